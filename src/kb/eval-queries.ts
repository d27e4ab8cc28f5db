import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Reads a labelled query set for `linia kb eval`: JSON lines of
 * `{"id","query","language","expected_article","also_acceptable":[…]}`, where
 * `expected_article` is null for a question that no article answers.
 */

/** One labelled question. */
export interface EvalQuery {
  id: string;
  query: string;
  /** Language label of the question, e.g. "pl" or "en"; the report splits by it. */
  language: string;
  /** Id of the article that answers the question, or null when none does. */
  expectedArticle: string | null;
  /** Other article ids that also count as a correct answer. */
  alsoAcceptable: string[];
  /** Ticket category, when given; it selects a per-category threshold. */
  category: string | null;
}

const querySchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]).transform(String),
    query: z.string().refine((text) => text.trim() !== '', 'must not be empty'),
    language: z.string().min(1),
    expected_article: z.string().min(1).nullable(),
    also_acceptable: z.array(z.string().min(1)).default([]),
    category: z.string().min(1).nullable().optional(),
  })
  .loose();

/** Raised when the query file is missing, or when a line is not a valid query; the message names the line. */
export class InvalidQueryFileError extends Error {
  override readonly name = 'InvalidQueryFileError';
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ');
}

/** Parses the text of a query file; blank lines are skipped, duplicate ids are rejected. */
export function parseEvalQueries(text: string, fileName = 'queries'): EvalQuery[] {
  const queries: EvalQuery[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') {
      return;
    }
    const where = `${fileName}:${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new InvalidQueryFileError(`${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const parsed = querySchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidQueryFileError(`${where}: invalid query: ${describeIssues(parsed.error)}`);
    }
    const { id, query, language, expected_article: expectedArticle, also_acceptable: alsoAcceptable, category } = parsed.data;
    if (seen.has(id)) {
      throw new InvalidQueryFileError(`${where}: query id "${id}" appears twice`);
    }
    seen.add(id);
    queries.push({ id, query, language: language.toLowerCase(), expectedArticle, alsoAcceptable, category: category ?? null });
  });
  if (queries.length === 0) {
    throw new InvalidQueryFileError(`${fileName}: contains no queries`);
  }
  return queries;
}

/** Reads and parses a query file. */
export async function readEvalQueries(file: string): Promise<EvalQuery[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidQueryFileError(`cannot read query file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseEvalQueries(text, file);
}
