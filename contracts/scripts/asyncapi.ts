import {
  addressParameters,
  PARTIES,
  SUBJECT_CHANNELS,
  SUBJECT_FILTERS,
  SUBJECT_PARAMETERS,
  subjectAddress,
  WIRE_SCHEMAS,
  WIRE_VERSION,
  wireNames,
  type ChannelId,
  type Party,
  type SubjectChannel,
  type WireNames,
  type WireSchemaName,
} from "../src/index.ts";
import { wireDocs } from "../src/wire-docs.ts";

// The AsyncAPI 3.0 document of the bus, built from the subject catalog: a channel per subject, a `send` operation per
// publisher and a `receive` operation per consumer, and every message's payload a `$ref` into `schema/`.

type Json = Record<string, unknown>;
const ref = ($ref: string) => ({ $ref });
/** Where the JSON Schema files are, relative to the AsyncAPI document. */
const SCHEMA_DIR = "./schema";
/** The message of a request whose body is ignored (a micro-service endpoint). */
const EMPTY_REQUEST = "EmptyRequest";

const describeParty = (party: Party) => `\`${PARTIES[party].identity}\``;

function description(channel: SubjectChannel, names: WireNames): string {
  const stored =
    typeof channel.delivery === "object"
      ? `Stored in stream \`${names.streams[channel.delivery.stream]}\`.`
      : channel.delivery === "request"
        ? "A core NATS request: the reply goes to the requester's inbox."
        : "Core NATS: not stored.";
  return [
    channel.summary,
    stored,
    `Published by ${channel.publishers.map(describeParty).join(", ")}; consumed by ${channel.consumers.map(describeParty).join(", ")}.`,
  ].join(" ");
}

function messagesOf(channel: SubjectChannel): Json {
  const name = channel.message ?? EMPTY_REQUEST;
  return { [name]: ref(`#/components/messages/${name}`) };
}

function replyMessagesOf(id: ChannelId, channel: SubjectChannel): Json | undefined {
  const reply = channel.reply;
  if (reply === undefined) return undefined;
  if (typeof reply === "string") return { [reply]: ref(`#/components/messages/${reply}`) };
  return { reply: { name: `${id}.reply`, contentType: "application/json", description: reply.description } };
}

function channels(names: WireNames): Json {
  const out: Json = {};
  for (const [id, channel] of Object.entries(SUBJECT_CHANNELS) as [ChannelId, SubjectChannel][]) {
    const address = subjectAddress(channel, names);
    const filters = SUBJECT_FILTERS.filter((f) => (f.of as readonly ChannelId[]).includes(id)).map((f) => ({
      address: subjectAddress(f, names),
      summary: f.summary,
    }));
    const parameters = addressParameters(address);
    out[id] = {
      address,
      title: id,
      description: description(channel, names),
      ...(parameters.length === 0
        ? {}
        : {
            parameters: Object.fromEntries(
              parameters.map((p) => [p, { description: SUBJECT_PARAMETERS[p as keyof typeof SUBJECT_PARAMETERS] }]),
            ),
          }),
      messages: messagesOf(channel),
      "x-delivery": typeof channel.delivery === "object" ? names.streams[channel.delivery.stream] : channel.delivery,
      "x-publishers": channel.publishers.map((p) => PARTIES[p].identity),
      "x-consumers": channel.consumers.map((p) => PARTIES[p].identity),
      ...(filters.length === 0 ? {} : { "x-filters": filters }),
    };
    const replies = replyMessagesOf(id, channel);
    if (replies !== undefined) {
      out[`${id}.reply`] = {
        address: null,
        title: `${id}.reply`,
        description: `The reply to a request on \`${address}\`, on the requester's inbox (\`_INBOX_<identity>.…\`).`,
        messages: replies,
      };
    }
  }
  return out;
}

function operations(): Json {
  const out: Json = {};
  for (const [id, channel] of Object.entries(SUBJECT_CHANNELS) as [ChannelId, SubjectChannel][]) {
    const messages = Object.keys(messagesOf(channel)).map((m) => ref(`#/channels/${id}/messages/${m}`));
    const replies = replyMessagesOf(id, channel);
    const reply =
      replies === undefined
        ? {}
        : {
            reply: {
              channel: ref(`#/channels/${id}.reply`),
              messages: Object.keys(replies).map((m) => ref(`#/channels/${id}.reply/messages/${m}`)),
            },
          };
    for (const party of channel.publishers) {
      out[`${id}.${party}.send`] = {
        action: "send",
        channel: ref(`#/channels/${id}`),
        summary: `${PARTIES[party].identity} ${channel.delivery === "request" ? "sends a request" : "publishes"}.`,
        tags: [{ name: PARTIES[party].identity }],
        messages,
        ...reply,
      };
    }
    for (const party of channel.consumers) {
      out[`${id}.${party}.receive`] = {
        action: "receive",
        channel: ref(`#/channels/${id}`),
        summary: `${PARTIES[party].identity} ${channel.delivery === "request" ? "answers" : "consumes"}.`,
        tags: [{ name: PARTIES[party].identity }],
        messages,
        ...reply,
      };
    }
  }
  return out;
}

function messages(): Json {
  const used = new Set<WireSchemaName>();
  for (const channel of Object.values(SUBJECT_CHANNELS) as SubjectChannel[]) {
    if (channel.message !== undefined) used.add(channel.message);
    if (typeof channel.reply === "string") used.add(channel.reply);
  }
  const out: Json = {
    [EMPTY_REQUEST]: {
      name: EMPTY_REQUEST,
      description: "A request to a NATS micro-service endpoint: any body, ignored.",
    },
  };
  for (const name of [...used].sort()) {
    out[name] = {
      name,
      title: name,
      contentType: "application/json",
      description: wireDocs.get(WIRE_SCHEMAS[name])?.description,
      headers: ref("#/components/schemas/Headers"),
      payload: ref(`${SCHEMA_DIR}/${name}.json`),
    };
  }
  return out;
}

function headers(names: WireNames): Json {
  const { tenant, user, traceparent, tracestate } = names.headers;
  return {
    type: "object",
    description: "NATS headers a publisher may set; every one is optional.",
    properties: {
      "Nats-Msg-Id": {
        type: "string",
        description:
          "JetStream deduplication on stream subjects: a second message with the same id in the stream's duplicate " +
          "window is dropped. Make it unguessable (a random goal id): the window is per stream, not per sender.",
      },
      [traceparent]: { type: "string", description: "W3C trace context: the goal's spans hang under it." },
      [tracestate]: { type: "string", description: "W3C trace context, vendor part." },
      [tenant]: { type: "string", description: "The goal's tenant, for logs; the subject is what is trusted." },
      [user]: { type: "string", description: "The goal's user, for logs." },
    },
  };
}

/** The AsyncAPI 3.0 document of every subject of one prefix (the default, `sy`). */
export function asyncApiDocument(names: WireNames = wireNames()): Json {
  return {
    asyncapi: "3.0.0",
    info: {
      title: "Switchyard bus",
      version: String(WIRE_VERSION),
      description: [
        "The subjects of a Switchyard deployment on NATS JetStream: what travels on each (JSON, the schemas in",
        "`schema/`, every envelope with `v`, the wire version) and which identity publishes and consumes it.",
        `Subjects start with the deployment's prefix, \`${names.prefix}\` by default (\`SY_PREFIX\`); streams and`,
        "buckets follow it. Where NATS cannot stamp the sender on a message, the sender is a subject token the",
        "server's permissions pin to one identity. Generated from `src/subject-catalog.ts` by `pnpm schema:write`.",
      ].join(" "),
      license: { name: "Apache-2.0" },
      // Each operation is tagged with the identity that performs it.
      tags: Object.values(PARTIES).map(({ identity, description }) => ({ name: identity, description })),
    },
    defaultContentType: "application/json",
    servers: {
      nats: {
        host: "127.0.0.1:4222",
        protocol: "nats",
        description:
          "A nats-server with JetStream. With authorization on (`switchyard auth init`), each client connects as " +
          "one nkey identity and reads replies on its own inbox prefix, `_INBOX_<identity>`.",
        security: [ref("#/components/securitySchemes/nkey")],
      },
    },
    channels: channels(names),
    operations: operations(),
    components: {
      messages: messages(),
      schemas: { Headers: headers(names) },
      securitySchemes: {
        nkey: {
          type: "asymmetricEncryption",
          description:
            "NATS nkey authentication: the client signs the server's nonce with its ed25519 seed (`<identity>.nk`) " +
            "and sends its public key and the signature in CONNECT.",
        },
      },
    },
  };
}
