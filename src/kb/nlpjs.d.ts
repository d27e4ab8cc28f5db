/**
 * Type declarations for the parts of the nlp.js language packages that Linia uses;
 * the packages ship JavaScript only. The stemmers follow the Snowball interface:
 * `setCurrent` loads a word, `innerStem` stems it in place, `getCurrent` returns it.
 */

declare module '@nlpjs/lang-pl' {
  export class StemmerPl {
    setCurrent(word: string): void;
    innerStem(): void;
    getCurrent(): string;
  }
}

declare module '@nlpjs/lang-en-min' {
  export class StemmerEn {
    setCurrent(word: string): void;
    innerStem(): void;
    getCurrent(): string;
  }
}
