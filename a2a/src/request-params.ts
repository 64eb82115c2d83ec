// The parameters of the A2A v1.0 methods the gateway serves, checked before anything runs (spec §3.2, §9.4).
// Unknown fields are ignored (spec §5.7); a field that breaks a rule is named in the error.
import { toValidationIssues } from "@switchyard/infra";
import { z } from "zod";
import { invalidParams } from "./errors.ts";

const JsonObject = z.record(z.string(), z.unknown());

/** The content members of a Part: exactly one is set. */
const PART_CONTENT = ["text", "raw", "url", "data"] as const;

/** A section of a message: text, a file (`raw` bytes or a `url`) or structured `data`. */
export const PartParam = z
  .object({
    text: z.string().optional(),
    raw: z.string().optional(),
    url: z.string().optional(),
    data: z.unknown().optional(),
    mediaType: z.string().optional(),
    filename: z.string().optional(),
    metadata: JsonObject.optional(),
  })
  .refine((p) => PART_CONTENT.filter((k) => Object.hasOwn(p, k)).length === 1, {
    message: "must hold exactly one of text, raw, url or data",
  });
export type PartParam = z.infer<typeof PartParam>;

/** `ROLE_USER` by its proto name (or number, which ProtoJSON also allows): only a client's message is accepted. */
const UserRole = z
  .union([z.string(), z.int()])
  .refine((r) => r === "ROLE_USER" || r === 1, { message: "must be ROLE_USER (a message from the client)" });

/** A client's message. */
export const MessageParam = z.object({
  messageId: z.string().min(1).max(256),
  contextId: z.string().min(1).max(256).optional(),
  taskId: z.string().min(1).max(256).optional(),
  role: UserRole,
  parts: z.array(PartParam).min(1, "at least one part is required"),
  metadata: JsonObject.optional(),
  extensions: z.array(z.string()).optional(),
  referenceTaskIds: z.array(z.string()).optional(),
});
export type MessageParam = z.infer<typeof MessageParam>;

/** An opaque routing token; this gateway declares none, so a client sends none or this gateway's tenant. */
const Tenant = z.string().optional();

/** `SendMessage` and `SendStreamingMessage`. */
export const SendMessageParams = z.object({
  tenant: Tenant,
  message: MessageParam,
  configuration: z
    .object({
      acceptedOutputModes: z.array(z.string()).optional(),
      taskPushNotificationConfig: z.unknown().optional(),
      historyLength: z.int().nonnegative().optional(),
      returnImmediately: z.boolean().optional(),
    })
    .optional(),
  metadata: JsonObject.optional(),
});
export type SendMessageParams = z.infer<typeof SendMessageParams>;

/** `GetTask`. */
export const GetTaskParams = z.object({
  tenant: Tenant,
  id: z.string().min(1).max(256),
  historyLength: z.int().nonnegative().optional(),
});
export type GetTaskParams = z.infer<typeof GetTaskParams>;

/** `CancelTask`. */
export const CancelTaskParams = z.object({
  tenant: Tenant,
  id: z.string().min(1).max(256),
  metadata: JsonObject.optional(),
});
export type CancelTaskParams = z.infer<typeof CancelTaskParams>;

/** `SubscribeToTask`. */
export const SubscribeToTaskParams = z.object({ tenant: Tenant, id: z.string().min(1).max(256) });
export type SubscribeToTaskParams = z.infer<typeof SubscribeToTaskParams>;

/** Validates a method's `params`; bad ones throw an invalid-params error naming each field and rule. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const parsed = schema.safeParse(params ?? {});
  if (parsed.success) return parsed.data;
  throw invalidParams(
    toValidationIssues(parsed.error).map((i) => ({
      field: i.path === "(root)" ? "params" : i.path,
      description: i.message,
    })),
  );
}
