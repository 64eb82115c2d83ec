// A custom outcome scorer (the default export): the share of the report's topics that its summary mentions.
import type { Observation, ScorerVerdict } from "@switchyard/evals";

export default function reportMentionsTopics(obs: Observation): ScorerVerdict {
  const output = obs.result.output as { summary?: string; topics?: string[] } | undefined;
  const topics = output?.topics ?? [];
  if (topics.length === 0) return { score: 0, reason: "the report has no topics" };
  const mentioned = topics.filter((t) => output?.summary?.includes(t) === true);
  return {
    score: mentioned.length / topics.length,
    reason: `the summary mentions ${mentioned.length} of ${topics.length} topics`,
    pass: mentioned.length > 0,
  };
}
