import { analyzeText, formsSimilarity, type AnalyzedToken } from './normalize.js';

/**
 * Cross-language synonyms for common first-line support topics. A query word that matches
 * one member of a group also searches for every other member, so a Polish query finds an
 * English-only article and "wifi" finds "sieć bezprzewodowa".
 */

export interface SynonymGroup {
  pl: readonly string[];
  en: readonly string[];
}

export const SYNONYM_GROUPS: readonly SynonymGroup[] = [
  { pl: ['hasło'], en: ['password', 'passcode', 'passphrase'] },
  { pl: ['drukarka', 'drukować', 'drukowanie', 'wydruk'], en: ['printer', 'print', 'printing'] },
  { pl: ['kolejka wydruku'], en: ['print queue'] },
  { pl: ['papier', 'kartka'], en: ['paper', 'sheet'] },
  { pl: ['zacięty', 'zacięcie', 'zaciął', 'zacięła', 'zacina'], en: ['jam', 'jammed', 'stuck'] },
  { pl: ['sieć bezprzewodowa', 'bezprzewodowy', 'wifi'], en: ['wifi', 'wireless', 'wlan'] },
  { pl: ['sieć'], en: ['network'] },
  { pl: ['internet'], en: ['internet'] },
  { pl: ['poczta', 'mail', 'e-mail', 'skrzynka pocztowa'], en: ['mail', 'email', 'e-mail', 'mailbox'] },
  { pl: ['kalendarz'], en: ['calendar'] },
  { pl: ['konto'], en: ['account'] },
  { pl: ['zablokowany', 'zablokować', 'blokada'], en: ['locked', 'lock', 'lockout', 'blocked'] },
  { pl: ['odblokować', 'odblokowanie'], en: ['unlock'] },
  { pl: ['logowanie', 'zalogować', 'zaloguj'], en: ['sign in', 'login', 'log in', 'logon', 'signin'] },
  { pl: ['reset', 'zresetować', 'resetowanie'], en: ['reset'] },
  { pl: ['zapomnieć', 'zapomniałem', 'zapomniałam', 'nie pamiętam'], en: ['forgot', 'forgotten', 'forget'] },
  { pl: ['wygasło', 'wygasłe', 'wygaśnięcie'], en: ['expired', 'expire'] },
  { pl: ['telefon', 'komórka', 'smartfon'], en: ['phone', 'mobile', 'smartphone', 'cellphone', 'iphone', 'android'] },
  { pl: ['zgubiony', 'zgubiłem', 'zgubiłam', 'skradziony'], en: ['lost', 'stolen'] },
  {
    pl: ['uwierzytelnianie wieloskładnikowe', 'uwierzytelnianie dwuskładnikowe', 'weryfikacja dwuetapowa', 'mfa', '2fa'],
    en: ['mfa', '2fa', 'multi factor', 'two factor', 'authenticator', 'two step verification'],
  },
  { pl: ['kod weryfikacyjny'], en: ['verification code'] },
  { pl: ['dysk', 'miejsce na dysku'], en: ['disk', 'drive', 'storage', 'disk space'] },
  { pl: ['pełny', 'zapełniony', 'brak miejsca'], en: ['full', 'out of space', 'low disk space'] },
  { pl: ['wolny', 'wolno', 'powolny', 'spowolnienie', 'zwolnił', 'muli', 'zamula'], en: ['slow', 'slowly', 'sluggish', 'lag'] },
  { pl: ['komputer', 'laptop'], en: ['computer', 'laptop', 'pc', 'notebook'] },
  { pl: ['instalacja', 'zainstalować', 'instalować'], en: ['install', 'installation'] },
  {
    pl: ['konfigurować', 'skonfigurować', 'konfiguracja', 'ustawić', 'ustawienia'],
    en: ['configure', 'configuration', 'set up', 'setup', 'settings'],
  },
  { pl: ['oprogramowanie', 'program', 'aplikacja'], en: ['software', 'program', 'application', 'app'] },
  { pl: ['licencja'], en: ['licence', 'license'] },
  { pl: ['uprawnienia administratora'], en: ['admin rights', 'administrator rights'] },
  { pl: ['połączenie', 'połączyć', 'łączyć'], en: ['connect', 'connection', 'connecting'] },
  { pl: ['praca zdalna', 'zdalnie', 'z domu'], en: ['remote', 'working from home', 'home office'] },
  { pl: ['aktualizacja', 'aktualizować'], en: ['update', 'upgrade'] },
  { pl: ['certyfikat'], en: ['certificate'] },
  { pl: ['błąd', 'komunikat błędu'], en: ['error', 'error message'] },
  { pl: ['awaria', 'zawiesza', 'zawiesił', 'zamyka się', 'nie odpowiada'], en: ['crash', 'crashes', 'freezes', 'hangs', 'not responding'] },
  { pl: ['ekran', 'monitor'], en: ['screen', 'monitor', 'display'] },
  { pl: ['bateria', 'ładowanie'], en: ['battery', 'charging'] },
];

/** Factor applied to a form reached through a synonym rather than written in the query. */
export const SYNONYM_FACTOR = 0.8;
/** Minimum similarity at which a query word counts as a synonym member ("drukarce" ~ "drukarka"). */
const MEMBER_MATCH_MIN = 0.7;

interface CompiledMember {
  tokens: AnalyzedToken[];
}

interface CompiledGroup {
  members: CompiledMember[];
}

function compileGroups(groups: readonly SynonymGroup[]): CompiledGroup[] {
  return groups.map((group) => ({
    members: [
      ...group.pl.map((phrase) => ({ tokens: analyzeText(phrase, 'pl') })),
      ...group.en.map((phrase) => ({ tokens: analyzeText(phrase, 'en') })),
    ].filter((member) => member.tokens.length > 0),
  }));
}

let compiledDefault: CompiledGroup[] | undefined;

/** Returns the start positions where `member` occurs as consecutive tokens of `tokens`. */
function findMember(member: CompiledMember, tokens: readonly AnalyzedToken[]): number[] {
  const starts: number[] = [];
  for (let start = 0; start + member.tokens.length <= tokens.length; start++) {
    const matches = member.tokens.every((memberToken, offset) => {
      const token = tokens[start + offset];
      return token !== undefined && formsSimilarity(memberToken.forms, token.forms) >= MEMBER_MATCH_MIN;
    });
    if (matches) {
      starts.push(start);
    }
  }
  return starts;
}

/** Adds the forms of every member of `group` except `matched` to `target`, scaled by `SYNONYM_FACTOR`. */
function addGroupForms(target: AnalyzedToken, group: CompiledGroup, matched: CompiledMember): void {
  for (const other of group.members) {
    if (other === matched) {
      continue;
    }
    for (const otherToken of other.tokens) {
      for (const [form, factor] of otherToken.forms) {
        const candidate = factor * SYNONYM_FACTOR;
        if (candidate > (target.forms.get(form) ?? 0)) {
          target.forms.set(form, candidate);
        }
      }
    }
  }
}

/**
 * Returns copies of `tokens` whose forms also include the synonyms they match. Every
 * word of a matched phrase receives the forms of all other members of its group. The
 * original forms keep their factor, and added ones get `SYNONYM_FACTOR` times theirs.
 */
export function expandSynonyms(tokens: readonly AnalyzedToken[]): AnalyzedToken[] {
  const compiled = (compiledDefault ??= compileGroups(SYNONYM_GROUPS));
  const expanded = tokens.map((token) => ({ ...token, forms: new Map(token.forms) }));
  for (const group of compiled) {
    for (const member of group.members) {
      for (const start of findMember(member, tokens)) {
        for (const target of expanded.slice(start, start + member.tokens.length)) {
          addGroupForms(target, group, member);
        }
      }
    }
  }
  return expanded;
}
