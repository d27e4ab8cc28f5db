import { analyzeText, formsSimilarity, MIN_PREFIX_STEM_LENGTH, tokenize, type AnalyzedToken } from './normalize.js';

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
  // A requester with a locked account asks for it to be unlocked, so both belong to one group.
  {
    pl: ['zablokowany', 'zablokować', 'blokada', 'odblokować', 'odblokowanie', 'odblokowywanie'],
    en: ['locked', 'lock', 'lockout', 'blocked', 'unlock', 'unlocking'],
  },
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
  { pl: ['awaria', 'zawiesza', 'zawiesił', 'zamyka', 'zawieszenie'], en: ['crash', 'crashes', 'freezes', 'hangs', 'not responding'] },
  { pl: ['ekran', 'monitor'], en: ['screen', 'monitor', 'display'] },
  { pl: ['bateria', 'akumulator'], en: ['battery'] },
  { pl: ['ładowanie', 'ładować', 'ładuje', 'naładować'], en: ['charging', 'charge', 'charges'] },
  { pl: ['zasilacz', 'ładowarka'], en: ['charger', 'power adapter', 'power supply'] },
  { pl: ['zasilanie', 'przycisk zasilania'], en: ['power', 'power button'] },
  { pl: ['włączyć', 'włącza', 'włączanie', 'uruchamia się'], en: ['turn on', 'switch on', 'power on', 'boot'] },
  { pl: ['uruchomić', 'uruchamiać', 'uruchamianie', 'otworzyć', 'otwiera'], en: ['launch', 'start', 'open', 'opens'] },
  { pl: ['klucz'], en: ['key'] },
  { pl: ['odzyskać', 'odzyskiwanie', 'odzyskiwania', 'przywrócić', 'przywracanie'], en: ['recover', 'recovery', 'restore', 'get back', 'undelete'] },
  { pl: ['synchronizacja', 'synchronizować', 'synchronizuje', 'synchronizowania'], en: ['sync', 'synchronize', 'synchronise', 'syncing', 'synchronization'] },
  { pl: ['plik', 'dokument'], en: ['file', 'document'] },
  { pl: ['folder', 'katalog'], en: ['folder', 'directory'] },
  { pl: ['usunąć', 'usunięty', 'usunąłem', 'usunęłam', 'skasować', 'skasowany'], en: ['delete', 'deleted', 'remove', 'removed'] },
  { pl: ['kosz'], en: ['trash', 'recycle bin', 'bin'] },
  { pl: ['dźwięk', 'głośnik', 'głośniki', 'audio'], en: ['sound', 'audio', 'speaker', 'speakers'] },
  { pl: ['mikrofon'], en: ['microphone', 'mic'] },
  { pl: ['słuchawki', 'zestaw słuchawkowy'], en: ['headset', 'headphones', 'earphones', 'earbuds'] },
  { pl: ['mysz', 'myszka', 'kursor', 'wskaźnik myszy'], en: ['mouse', 'pointer', 'cursor'] },
  { pl: ['klawiatura', 'układ klawiatury'], en: ['keyboard', 'keyboard layout'] },
  { pl: ['układ'], en: ['layout'] },
  { pl: ['blokada ekranu', 'blokowanie ekranu', 'zablokować ekran'], en: ['screen lock', 'lock screen', 'lock the screen'] },
  { pl: ['drugi monitor', 'dodatkowy monitor', 'zewnętrzny monitor'], en: ['second monitor', 'external monitor', 'dual monitors', 'extra screen'] },
  { pl: ['migocze', 'miga', 'mruga', 'gaśnie'], en: ['flicker', 'flickering', 'blinking', 'goes black'] },
  { pl: ['adres ip'], en: ['ip address'] },
  { pl: ['serwer proxy', 'proxy'], en: ['proxy', 'proxy server'] },
  { pl: ['kopia zapasowa', 'kopię zapasową', 'backup'], en: ['backup', 'back up'] },
  { pl: ['wirus', 'antywirus', 'złośliwe oprogramowanie'], en: ['virus', 'antivirus', 'malware'] },
  { pl: ['załącznik'], en: ['attachment'] },
  { pl: ['skanować', 'skanowanie'], en: ['scan', 'scanning'] },
  { pl: ['tusz', 'toner', 'wkład', 'kartridż'], en: ['ink', 'toner', 'cartridge'] },
  { pl: ['smugi', 'smuga', 'kreski', 'paski'], en: ['streaks', 'streaky', 'lines', 'smudges'] },
  { pl: ['wyblakły', 'wyblakłe', 'blady'], en: ['faded', 'pale'] },
  { pl: ['kolor', 'kolory'], en: ['colour', 'color', 'colours', 'colors'] },
  { pl: ['domyślny', 'domyślna', 'domyślnie'], en: ['default'] },
  { pl: ['kolejka'], en: ['queue'] },
  { pl: ['anulować', 'anulowanie', 'przerwać'], en: ['cancel', 'abort'] },
  { pl: ['zadanie drukowania', 'zadanie wydruku'], en: ['print job'] },
  { pl: ['spotkanie', 'wideokonferencja', 'rozmowa wideo', 'wideorozmowa'], en: ['meeting', 'video call', 'video conference', 'call'] },
  { pl: ['udostępnić', 'udostępnianie', 'współdzielić', 'współdzielony', 'wspólny'], en: ['share', 'sharing', 'shared'] },
  { pl: ['podpis', 'podpisać', 'podpisanie'], en: ['sign', 'signature', 'signing'] },
  { pl: ['naruszenie', 'naruszone', 'włamanie', 'włamał', 'zhakowany', 'przejęte'], en: ['compromised', 'hacked', 'breach', 'breached'] },
  { pl: ['incydent', 'incydent bezpieczeństwa'], en: ['incident', 'security incident'] },
  { pl: ['bezpieczny', 'bezpieczeństwo'], en: ['secure', 'security', 'safe'] },
  { pl: ['phishing', 'podejrzany mail', 'podejrzana wiadomość'], en: ['phishing', 'suspicious email'] },
  { pl: ['uprawnienia', 'administrator', 'administratora', 'uprawnienia administracyjne'], en: ['permissions', 'admin', 'administrator', 'privileges', 'rights'] },
  { pl: ['tryb samolotowy'], en: ['airplane mode', 'flight mode', 'aeroplane mode'] },
  { pl: ['przewodowy', 'kabel sieciowy', 'ethernet', 'lan'], en: ['wired', 'ethernet', 'network cable', 'lan'] },
  { pl: ['odpowiedź automatyczna', 'automatyczna odpowiedź', 'autoodpowiedź', 'poza biurem', 'nieobecność'], en: ['automatic reply', 'auto reply', 'autoreply', 'out of office', 'away message'] },
  { pl: ['urlop'], en: ['vacation', 'holiday', 'leave'] },
  { pl: ['monit', 'okno logowania', 'prośba o zalogowanie'], en: ['prompt', 'sign in prompt', 'login prompt'] },
  { pl: ['dysk sieciowy', 'zmapowany dysk', 'mapowanie dysku', 'udział sieciowy'], en: ['network drive', 'mapped drive', 'shared drive', 'network share'] },
  { pl: ['pamięć', 'miejsce'], en: ['space', 'storage'] },
  { pl: ['wiadomość', 'wiadomości'], en: ['message', 'messages'] },
  { pl: ['klient poczty', 'aplikacja pocztowa'], en: ['mail app', 'mail client', 'email client'] },
  { pl: ['zgubić', 'zgubiłem', 'zgubiłam', 'zgubiony', 'ukradziony', 'kradzież'], en: ['lose', 'lost', 'stolen', 'theft'] },
  { pl: ['sprzęt', 'urządzenie'], en: ['equipment', 'device', 'hardware'] },
  { pl: ['zakup', 'kupić', 'zamówić'], en: ['purchase', 'buy', 'order'] },
  { pl: ['dostęp'], en: ['access'] },
  { pl: ['wolne miejsce', 'pojemność'], en: ['free space', 'capacity'] },
  { pl: ['sprawdzić', 'sprawdzanie'], en: ['check', 'checking'] },
  { pl: ['znaleźć', 'znajdę'], en: ['find'] },
  { pl: ['zmienić', 'zmiana', 'zmieniłem'], en: ['change', 'changed'] },
  { pl: ['wolny internet', 'wolne połączenie'], en: ['slow internet', 'slow connection'] },
  { pl: ['działa wolno'], en: ['runs slow'] },
];

/** Factor applied to a form reached through a synonym rather than written in the query. */
export const SYNONYM_FACTOR = 0.8;
/** Minimum similarity at which a query word counts as a synonym member ("drukarce" ~ "drukarka"). */
const MEMBER_MATCH_MIN = 0.85;

interface CompiledMember {
  tokens: AnalyzedToken[];
}

interface CompiledGroup {
  members: CompiledMember[];
}

/**
 * Compiles one phrase. A phrase that loses a word to the stop-word lists is dropped,
 * because "out of office" reduced to "office" would match every mention of an office.
 */
function compileMember(phrase: string, language: 'pl' | 'en'): CompiledMember | undefined {
  const tokens = analyzeText(phrase, language);
  return tokens.length > 0 && tokens.length === tokenize(phrase).length ? { tokens } : undefined;
}

function compileGroups(groups: readonly SynonymGroup[]): CompiledGroup[] {
  return groups.map((group) => ({
    members: [
      ...group.pl.map((phrase) => compileMember(phrase, 'pl')),
      ...group.en.map((phrase) => compileMember(phrase, 'en')),
    ].filter((member): member is CompiledMember => member !== undefined),
  }));
}

interface CompiledSynonyms {
  /** Each member with its group, under the `lookupKey` of every form of the member's first word. */
  byFirstWordKey: Map<string, Array<{ group: CompiledGroup; member: CompiledMember }>>;
}

/**
 * Returns the key under which a form is looked up. Two forms match only when they are
 * equal or when the shorter one, of at least `MIN_PREFIX_STEM_LENGTH` characters, starts
 * the longer one, so matching forms always share this key.
 */
function lookupKey(form: string): string {
  return form.length < MIN_PREFIX_STEM_LENGTH ? form : form.slice(0, MIN_PREFIX_STEM_LENGTH);
}

function compileLookup(groups: readonly SynonymGroup[]): CompiledSynonyms {
  const byFirstWordKey: CompiledSynonyms['byFirstWordKey'] = new Map();
  for (const group of compileGroups(groups)) {
    for (const member of group.members) {
      const keys = new Set([...(member.tokens[0]?.forms.keys() ?? [])].map(lookupKey));
      for (const key of keys) {
        const entries = byFirstWordKey.get(key) ?? [];
        entries.push({ group, member });
        byFirstWordKey.set(key, entries);
      }
    }
  }
  return { byFirstWordKey };
}

let compiledDefault: CompiledSynonyms | undefined;

/** True when `member` occurs in `tokens` as consecutive tokens from `start`. */
function occursAt(member: CompiledMember, tokens: readonly AnalyzedToken[], start: number): boolean {
  return member.tokens.every((memberToken, offset) => {
    const token = tokens[start + offset];
    return token !== undefined && formsSimilarity(memberToken.forms, token.forms) >= MEMBER_MATCH_MIN;
  });
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
  const compiled = (compiledDefault ??= compileLookup(SYNONYM_GROUPS));
  const expanded = tokens.map((token) => ({ ...token, forms: new Map(token.forms) }));
  tokens.forEach((token, start) => {
    const seen = new Set<CompiledMember>();
    for (const key of new Set([...token.forms.keys()].map(lookupKey))) {
      for (const { group, member } of compiled.byFirstWordKey.get(key) ?? []) {
        if (seen.has(member) || !occursAt(member, tokens, start)) {
          continue;
        }
        seen.add(member);
        for (const target of expanded.slice(start, start + member.tokens.length)) {
          addGroupForms(target, group, member);
        }
      }
    }
  });
  return expanded;
}
