import type { AddressObject, EmailAddress } from 'mailparser';

import { firstHeader, type HeaderMap } from './header-block.js';

/** One mailbox of an address header. `name` is '' when the header gave none. */
export interface MailAddress {
  address: string;
  name: string;
}

/**
 * The day, month and year that a date must contain, as RFC 5322 (`4 Mar 2024`) or ISO 8601
 * (`2024-03-04`) writes them. JavaScript's date parser alone accepts nearly any text.
 */
const DATE_DAY_MONTH_YEAR = /(?:\b\d{1,2}\s+[a-z]{3,}\.?\s+\d{2,4}\b|\b\d{4}-\d{2}-\d{2})/i;

/** Maximum length of a Date value that is parsed, in characters. An RFC 5322 date with a zone comment has about 40. */
const MAX_DATE_CHARS = 200;

/** Matches a time zone in a date: a numeric offset, an obsolete RFC 5322 zone name or the ISO 8601 `Z`. */
const DATE_ZONE = /(?:[+-]\d{4}\b|\b(?:UT|UTC|GMT|[ECMP][SD]T)\b|\dZ$)/i;

function collectMailboxes(entries: readonly EmailAddress[], into: MailAddress[]): void {
  for (const entry of entries) {
    if (entry.group) {
      collectMailboxes(entry.group, into);
      continue;
    }
    const address = (entry.address ?? '').trim();
    if (address !== '') {
      into.push({ address, name: (entry.name ?? '').trim() });
    }
  }
}

/**
 * Flattens mailparser's address header value (one object, or an array when the header
 * was repeated) into mailboxes. Group members are listed, and entries without an
 * address, such as `undisclosed-recipients:;`, are dropped.
 */
export function toAddressList(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const mailboxes: MailAddress[] = [];
  for (const object of objects) {
    collectMailboxes(object.value, mailboxes);
  }
  return mailboxes;
}

/**
 * Returns the envelope sender from the first (most recently added) Return-Path header:
 * the address without angle brackets, '' for the null sender `<>`, or null when the
 * header is missing.
 */
export function parseReturnPath(headers: HeaderMap): string | null {
  const value = firstHeader(headers, 'return-path');
  if (value === null) {
    return null;
  }
  const withoutComments = value.replace(/\([^()]*\)/g, ' ').trim();
  const bracketed = /<([^<>]*)>/.exec(withoutComments);
  const address = bracketed ? (bracketed[1] ?? '') : withoutComments;
  return address.trim();
}

/**
 * Parses a Date header value, or returns null when it is missing or invalid. A date
 * without a time zone is read as UTC, as RFC 5322 reads the obsolete `-0000`, so the
 * result does not depend on the zone of the machine that parses it.
 */
export function parseDateHeader(value: string | null): Date | null {
  if (value === null) {
    return null;
  }
  if (value.length > MAX_DATE_CHARS) {
    return null;
  }
  const text = value.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (!DATE_DAY_MONTH_YEAR.test(text)) {
    return null;
  }
  const candidates = DATE_ZONE.test(text) ? [text] : [`${text} +0000`, `${text}Z`];
  for (const candidate of candidates) {
    const date = new Date(candidate);
    if (!Number.isNaN(date.getTime())) {
      return date;
    }
  }
  return null;
}
