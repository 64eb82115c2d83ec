package main

import "encoding/json"

// The parts of the wire contract this example uses; the full contract is contracts/schema/*.json.

// Goal is what a backend publishes on <prefix>.goals.submit.<tenant> (contracts/schema/Goal.json).
type Goal struct {
	V              int                    `json:"v"`
	ID             string                 `json:"id"`
	IdempotencyKey string                 `json:"idempotencyKey,omitempty"`
	Tenant         string                 `json:"tenant"`
	User           string                 `json:"user"`
	Text           string                 `json:"text"`
	Input          map[string]interface{} `json:"input,omitempty"`
	Plan           string                 `json:"plan,omitempty"`
}

// GoalResult is what the coordinator publishes on <prefix>.goal.done.<tenant>.<goalId>
// (contracts/schema/GoalResult.json). Output and each subtask result are kept as raw JSON.
type GoalResult struct {
	V                int               `json:"v"`
	GoalID           string            `json:"goalId"`
	Status           string            `json:"status"`
	Output           json.RawMessage   `json:"output,omitempty"`
	Subtasks         []json.RawMessage `json:"subtasks"`
	Usage            Usage             `json:"usage"`
	TraceID          string            `json:"traceId"`
	PendingApprovals []string          `json:"pendingApprovals,omitempty"`
	Failure          *Failure          `json:"failure,omitempty"`
	AcceptedAt       string            `json:"acceptedAt,omitempty"`
	FinishedAt       string            `json:"finishedAt"`
}

// Usage is what a run consumed (contracts/schema/Usage.json).
type Usage struct {
	Steps        int     `json:"steps"`
	InputTokens  int     `json:"inputTokens"`
	OutputTokens int     `json:"outputTokens"`
	CostUsd      float64 `json:"costUsd"`
	Ms           int     `json:"ms"`
}

// Failure says why a goal failed (contracts/schema/Failure.json, with the subtask it failed in).
type Failure struct {
	Kind      string `json:"kind"`
	Message   string `json:"message"`
	SubtaskID string `json:"subtaskId,omitempty"`
}

// pubAck is JetStream's answer to a publish on a stream subject.
type pubAck struct {
	Stream    string `json:"stream"`
	Seq       uint64 `json:"seq"`
	Duplicate bool   `json:"duplicate"`
	Error     *struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	} `json:"error"`
}

// paused says whether a result is interim: the goal waits for a person and goes on later.
func paused(status string) bool {
	return status == "needs_input" || status == "needs_approval" || status == "needs_review"
}
