// Runs an agent service whose model answers from recordings: `SY_EVAL_RECORDINGS` (a JSON file of RecordedRun[])
// is registered as the `eval-replay` script, then `SY_EVAL_AGENT_ENTRY` (the agent's own main) is started with
// `SY_MODEL=scripted:eval-replay`. The eval runner starts agents this way for captured cases.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { RecordedRun } from "@switchyard/contracts";
import { registerScript, scriptFromRecordedRuns } from "@switchyard/models";
import { z } from "zod";
import { REPLAY_SCRIPT } from "./replay-script.ts";

const file = process.env["SY_EVAL_RECORDINGS"];
const entry = process.env["SY_EVAL_AGENT_ENTRY"];
if (!file || !entry) throw new Error("SY_EVAL_RECORDINGS and SY_EVAL_AGENT_ENTRY must be set");
const recordings = z.array(RecordedRun).parse(JSON.parse(readFileSync(file, "utf8")));
registerScript(REPLAY_SCRIPT, scriptFromRecordedRuns(recordings));
process.env["SY_MODEL"] = `scripted:${REPLAY_SCRIPT}`;
await import(pathToFileURL(entry).href);
