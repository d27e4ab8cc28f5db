import { asciiPunctuation, foldText } from './text-normalize.js';

/**
 * Recognition of a requester's reply stating that the problem is solved, in Polish or
 * English, so the ticket can be closed. It errs towards false: a reply that also
 * reports something still failing, asks whether it is solved or puts it in a condition
 * keeps the ticket open. All patterns are folded (lower case, no diacritics), so Polish
 * written without diacritics matches too.
 */

/**
 * Characters of the reply that are read. A requester writes "solved" at the top of a
 * short reply, and the cap bounds the time the patterns below take on a long text.
 */
const MAX_CHARS = 4000;

/**
 * Phrases that keep the ticket open wherever they appear: negated success, "still"
 * failures and requests not to close.
 */
const NEGATIVE_PATTERNS: readonly RegExp[] = [
  /\bnie\s+(?:do\s+konca\s+)?(?:dziala|dzialaja|dzialalo|zadzialal[oa]?|pomogl[oa]?|pomaga|rozwiazal[oa]?|rozwiazuje|rozwiazane|rozwiazany|rozwiazana|naprawil[oa]?|naprawione|naprawiony)\b/,
  /\b(?:nadal|wciaz|dalej|ciagle|znowu|ponownie)\b[^.!?\n]*\b(?:nie|blad|problem)\b/,
  /\bnie\s+(?:zamykac|zamykajcie|zamykaj|zamykajmy)\b/,
  /\b(?:not|never)\s+(?:yet\s+)?(?:working|work|solved|resolved|fixed|sorted)\b/,
  /\b(?:doesn't|does not|didn't|did not|don't|do not|isn't|is not|wasn't|was not|hasn't|has not|haven't|have not|won't|will not|can't|cannot)\s+(?:seem\s+to\s+)?(?:work|working|fix|fixed|solve|solved|resolve|resolved|help|helped|be\s+closed)\b/,
  /\bstill\b[^.!?\n]*\b(?:not|no|broken|failing|fails|error|errors|issue|issues|problem|problems|same)\b/,
  /\bstill\s+(?:broken|failing|fails|down|crashing|happening|occurring)\b/,
  /\b(?:don't|do not|please don't)\s+close\b/,
  /\b(?:ale|lecz|jednak)\b[^.!?\n]*\bnie\b/,
  /\bbut\b[^.!?\n]*(?:\bnot\b|n't\b|\bstill\b|\bno\b)/,
  /\b(?:niestety|unfortunately)\b/,
  /\bno\s+longer\s+(?:works|working|work)\b/,
  /\b(?:stopped|stops|quit|quits)\s+working\b/,
  /\bbroke(?:n)?\s+(?:down\s+)?again\b/,
  /\bprzestal[oay]?\s+(?:znowu\s+|znow\s+)?dzialac\b/,
];

/** Phrases stating that the problem is solved, matched within one clause. */
const POSITIVE_PATTERNS: readonly RegExp[] = [
  /\b(?:problem\s+)?(?:jest\s+)?(?:juz\s+)?rozwiazan[ye]\b/,
  /\brozwiazal[oa]?\s+(?:sie|problem)\b/,
  /\bjuz\s+(?:wszystko\s+)?dziala(?:ja)?\b/,
  /\b(?:teraz|wszystko|znowu|znow)\s+(?:juz\s+)?dziala(?:ja)?\b/,
  /\bdziala(?:ja)?\s+(?:juz|teraz|poprawnie|prawidlowo|bez\s+problemu|bez\s+zarzutu)\b/,
  /^(?:(?:juz|teraz|wszystko|super|ok|okej)\s+)?dziala(?:ja)?$/,
  /\b(?:pomoglo|zadzialalo|naprawione|naprawiony)\b/,
  /\b(?:mozna|mozecie|moze\s+pan|moze\s+pani|prosze)\s+(?:juz\s+)?zamknac\b/,
  /\bzamknijcie\b/,
  /\b(?:solved|resolved|fixed|sorted)\b/,
  /\b(?:it|that|this|everything|all)\s+(?:now\s+)?(?:works|is\s+working|'s\s+working)\b/,
  /\b(?:it's|it\s+is|everything\s+is|all)\s+(?:working|good|fine)\s+now\b/,
  /\b(?:works|working)\s+(?:now|again|fine\s+now|perfectly\s+now)\b/,
  /\bthat\s+(?:fixed|did)\s+(?:it|the\s+trick)\b/,
  /\b(?:you\s+can|you\s+may|please|feel\s+free\s+to)\s+close\b/,
  /\bcan\s+be\s+closed\b/,
  /\bno\s+longer\s+(?:an?\s+)?(?:issue|problem|needed|required)\b/,
  /\b(?:juz\s+)?(?:nieaktualne|nieaktualny|nieaktualna)\b/,
];

/** Clause openings that make a statement a question even without a question mark. */
const QUESTION_OPENING = /^(?:is\s+it|has\s+it|have\s+you|did\s+you|does\s+it|was\s+it|are\s+you)\b/;

/** Words anywhere in a clause that make it a condition, an indirect question or a guess. */
const CONDITION_OR_DOUBT =
  /\b(?:czy|jesli|jezeli|gdyby|if|whether|chyba|maybe|perhaps|not\s+sure|nie\s+wiem|nie\s+jestem\s+(?:pewien|pewna))\b/;

interface Clause {
  text: string;
  inQuestion: boolean;
}

/**
 * Splits folded text into sentences at `.`, `!`, `?`, `;` and line breaks, and each
 * sentence into clauses at commas. A clause remembers whether its sentence ended with
 * `?`, so that in "Działa, czy nie?" the first clause counts as part of a question.
 */
function splitClauses(text: string): Clause[] {
  const clauses: Clause[] = [];
  for (const match of text.matchAll(/([^.!?;\n]+)([.!?;\n]*)/g)) {
    const inQuestion = (match[2] ?? '').includes('?');
    for (const part of (match[1] ?? '').split(',')) {
      const clause = part.trim();
      if (clause !== '') {
        clauses.push({ text: clause, inQuestion });
      }
    }
  }
  return clauses;
}

/**
 * Tells whether a requester's reply, with quoted history already removed, states that
 * the problem is solved. False for negations ("nadal nie działa", "didn't fix it"),
 * questions ("czy to już rozwiązane?"), conditions ("if it works now") and guesses
 * ("chyba działa").
 */
export function saysSolved(text: string): boolean {
  const folded = foldText(asciiPunctuation(text.slice(0, MAX_CHARS))).replace(/[ \t]+/g, ' ');
  if (folded.trim() === '' || NEGATIVE_PATTERNS.some((pattern) => pattern.test(folded))) {
    return false;
  }
  return splitClauses(folded).some((clause) => {
    if (clause.inQuestion || QUESTION_OPENING.test(clause.text) || CONDITION_OR_DOUBT.test(clause.text)) {
      return false;
    }
    return POSITIVE_PATTERNS.some((pattern) => pattern.test(clause.text));
  });
}
