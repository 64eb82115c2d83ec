// Command submit-goal submits a goal to Switchyard as a tenant's backend and prints its result (a GoalResult, as
// JSON, on stdout).
//
//	NATS_URL=nats://127.0.0.1:4222 NATS_NKEY=auth/backend-acme.nk NATS_INBOX_PREFIX=_INBOX_backend-acme \
//	    go run . -tenant acme "Agents need budgets."
//
// It subscribes to the goal's done subject first, then publishes the goal on the submit subject with a Nats-Msg-Id
// header as a request (the reply is the stream's acknowledgement), and waits for a final result (interim results of
// a goal paused for a person go to stderr). Exit code: 0 when the goal ended ok, 3 when it ended otherwise, 4 on
// timeout, 2 on bad usage or a bad seed, 1 when the bus refused or failed.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

type options struct {
	tenant, user, plan, input, id, prefix string
	timeout                               time.Duration
}

func main() {
	os.Exit(run())
}

func run() int {
	opts, text, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	goal := Goal{V: 1, ID: opts.id, Tenant: opts.tenant, User: opts.user, Text: text, Plan: opts.plan}
	if opts.input != "" {
		if err := json.Unmarshal([]byte(opts.input), &goal.Input); err != nil {
			fmt.Fprintf(os.Stderr, "-input is not a JSON object: %v\n", err)
			return 2
		}
	}

	natsOpts := []nats.Option{nats.Name("switchyard-go-example")}
	if prefix := os.Getenv("NATS_INBOX_PREFIX"); prefix != "" {
		natsOpts = append(natsOpts, nats.CustomInboxPrefix(prefix))
	}
	if seedFile := os.Getenv("NATS_NKEY"); seedFile != "" {
		nkey, err := nats.NkeyOptionFromSeed(seedFile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "NATS_NKEY %s: %v\n", seedFile, err)
			return 2
		}
		natsOpts = append(natsOpts, nkey)
	}
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url, natsOpts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot connect: %v\n", err)
		return 1
	}
	defer nc.Close()

	result, raw, err := submitAndWait(nc, opts, goal)
	if errors.Is(err, nats.ErrTimeout) {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var out bytes.Buffer
	if json.Indent(&out, raw, "", "  ") != nil {
		out.Reset()
		out.Write(raw)
	}
	fmt.Println(out.String())
	if result.Status != "ok" {
		return 3
	}
	return 0
}

func parseFlags(args []string) (options, string, error) {
	fs := flag.NewFlagSet("submit-goal", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.tenant, "tenant", envOr("SY_TENANT", "default"), "the backend's tenant")
	fs.StringVar(&o.user, "user", envOr("SY_USER", "backend"), "who the goal is for")
	fs.StringVar(&o.plan, "plan", "demo", `a template plan, or "llm"`)
	fs.StringVar(&o.input, "input", "", "structured input for the plan, a JSON object")
	fs.StringVar(&o.id, "id", newUUID(), "the goal id (default: a random UUID)")
	fs.StringVar(&o.prefix, "prefix", envOr("SY_PREFIX", "sy"), "the deployment's subject prefix")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long to wait for the result")
	if err := fs.Parse(args); err != nil {
		return o, "", err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		return o, "", errors.New(`expected exactly one goal text: submit-goal [flags] "<text>" (-h for the flags)`)
	}
	return o, fs.Arg(0), nil
}

// submitAndWait subscribes to the goal's done subject, publishes the goal into the goals stream and waits for its
// final result, decoded and as it came.
func submitAndWait(nc *nats.Conn, o options, goal Goal) (*GoalResult, []byte, error) {
	done, err := nc.SubscribeSync(fmt.Sprintf("%s.goal.done.%s.%s", o.prefix, goal.Tenant, goal.ID))
	if err != nil {
		return nil, nil, err
	}
	// The subscription is in place before the goal can finish (and one the server refused is reported now).
	if err := flush(nc); err != nil {
		return nil, nil, err
	}
	if err := submit(nc, fmt.Sprintf("%s.goals.submit.%s", o.prefix, goal.Tenant), goal); err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "goal %s submitted\n", goal.ID)

	deadline := time.Now().Add(o.timeout)
	for {
		m, err := done.NextMsg(time.Until(deadline))
		if errors.Is(err, nats.ErrTimeout) {
			return nil, nil, fmt.Errorf("no result for goal %s within %s: %w", goal.ID, o.timeout, err)
		}
		if err != nil {
			return nil, nil, err
		}
		var result GoalResult
		if err := json.Unmarshal(m.Data, &result); err != nil {
			return nil, nil, fmt.Errorf("a result that is not a GoalResult: %w", err)
		}
		if !paused(result.Status) {
			return &result, m.Data, nil
		}
		fmt.Fprintf(os.Stderr, "goal %s paused: %s (waiting for a person)\n", goal.ID, result.Status)
	}
}

// submit publishes the goal into the goals stream, with the reply inbox that gets the stream's acknowledgement.
func submit(nc *nats.Conn, subject string, goal Goal) error {
	acks, err := nc.SubscribeSync(nc.NewInbox())
	if err != nil {
		return err
	}
	defer acks.Unsubscribe()
	msg := nats.NewMsg(subject)
	msg.Reply = acks.Subject
	// The goal id as Nats-Msg-Id: JetStream drops a copy published again. A random id is one no other sender can guess.
	msg.Header.Set("Nats-Msg-Id", goal.ID)
	if msg.Data, err = json.Marshal(goal); err != nil {
		return err
	}
	if err := nc.PublishMsg(msg); err != nil {
		return err
	}
	if err := flush(nc); err != nil {
		return err
	}
	reply, err := acks.NextMsg(10 * time.Second)
	if err != nil {
		return fmt.Errorf("no acknowledgement for the goal on %s: %w", subject, err)
	}
	if reply.Header.Get("Status") == "503" {
		return fmt.Errorf("no stream stores %s: is the coordinator running with this prefix?", subject)
	}
	var ack pubAck
	if err := json.Unmarshal(reply.Data, &ack); err != nil {
		return fmt.Errorf("unexpected acknowledgement %q: %w", reply.Data, err)
	}
	if ack.Error != nil {
		return fmt.Errorf("the goals stream refused the goal: %s", ack.Error.Description)
	}
	return nil
}

// flush makes a round trip to the server, then reports what it refused of what was sent before (-ERR: a subject
// this identity may not use); the client records such errors before it reads the PONG.
func flush(nc *nats.Conn) error {
	if err := nc.Flush(); err != nil {
		return err
	}
	return nc.LastError()
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
