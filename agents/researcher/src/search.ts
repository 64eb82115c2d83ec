import { z } from "zod";
import { ARTICLES, type KbArticle } from "./data/articles.ts";

/** One hit of a knowledge-base search. */
export const KbHit = z.object({ id: z.string(), title: z.string(), excerpt: z.string() });

/** What `search_kb` returns: the best articles first. */
export const KbSearchResult = z.object({ articles: z.array(KbHit) });
export type KbSearchResult = z.infer<typeof KbSearchResult>;

// Words that match everything; short on purpose: this is an example, not a search engine.
const STOPWORDS = new Set(
  "and are but can could for from get got have how into its not our please that the their them then there they this was what when where which who why will with would you your".split(
    " ",
  ),
);
const EXCERPT_MAX = 300;

const terms = (text: string): string[] =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w));

// A crude stemmer: "refunds" finds "refund", "shipping" finds "ship"; short words must match exactly.
const matches = (query: string, word: string): boolean =>
  query === word || (Math.min(query.length, word.length) >= 4 && (query.startsWith(word) || word.startsWith(query)));

function score(article: KbArticle, queryTerms: readonly string[]): number {
  const strong = [...article.tags, ...terms(article.title)];
  const weak = terms(article.body);
  let total = 0;
  for (const q of queryTerms) {
    if (strong.some((w) => matches(q, w))) total += 2;
    else if (weak.some((w) => matches(q, w))) total += 1;
  }
  return total;
}

/**
 * Finds the articles that share the most terms with the query (title and tags count double), best first, keeping
 * those that score at least half as well as the best.
 */
export function searchKnowledgeBase(query: string, limit = 3): KbSearchResult {
  const queryTerms = [...new Set(terms(query))];
  const scored = ARTICLES.map((article, order) => ({ article, order, score: score(article, queryTerms) }));
  const best = Math.max(0, ...scored.map((a) => a.score));
  // Half the best score or more: a passing mention of "order" should not make every article a source.
  const articles = scored
    .filter((a) => a.score > 0 && a.score * 2 >= best)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, limit)
    .map(({ article }) => ({
      id: article.id,
      title: article.title,
      excerpt: article.body.length > EXCERPT_MAX ? `${article.body.slice(0, EXCERPT_MAX - 1)}…` : article.body,
    }));
  return { articles };
}
