/** Tuning of the agent loop; every field has a default. */
export type LoopOptions = {
  /** Replace raw history with a structured summary every N model calls (a model call of its own). 0 = never. Default 6. */
  summarizeEvery?: number;
  /** Consecutive invalid tool calls (unknown tool, bad arguments, no call) that end the run `invalid_tool_calls`. Default 3. */
  maxInvalidToolCalls?: number;
  /** Invalid `final_answer` attempts sent back to the model before the run ends `invalid_output`. Default 2. */
  maxInvalidOutputs?: number;
  /** Consecutive tool failures that end the run `tool_error`. Default 3. */
  maxToolErrors?: number;
  /** Same tool with the same arguments this many times in a run ends it with `loop`. Default 3. */
  repeatLimit?: number;
  /** Tool output is cut to this many characters before it enters the context. Default 4000. */
  toolOutputMaxChars?: number;
  /** Output tokens asked of each model call (lowered to what the token budget has left). Default 2048. */
  maxOutputTokens?: number;
};

/** The defaults of {@link LoopOptions}. */
export const DEFAULT_LOOP_OPTIONS: Required<LoopOptions> = {
  summarizeEvery: 6,
  maxInvalidToolCalls: 3,
  maxInvalidOutputs: 2,
  maxToolErrors: 3,
  repeatLimit: 3,
  toolOutputMaxChars: 4_000,
  maxOutputTokens: 2_048,
};
