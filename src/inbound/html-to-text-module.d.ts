/**
 * Types for the part of html-to-text 10 that Linia uses. The package ships no type
 * declarations, and @types/html-to-text describes version 9.
 */
declare module 'html-to-text' {
  export interface HtmlToTextSelector {
    selector: string;
    format?: string;
    options?: Record<string, unknown>;
  }

  export interface HtmlToTextOptions {
    wordwrap?: number | false | null;
    limits?: {
      maxInputLength?: number;
      maxDepth?: number;
      maxChildNodes?: number;
    };
    selectors?: HtmlToTextSelector[];
  }

  export function convert(html: string, options?: HtmlToTextOptions): string;
}
