/**
 * Stop words for knowledge-base search, written in folded form (lower case, no
 * diacritics) because they are compared after folding. Besides function words, the
 * lists contain greetings, sign-offs and politeness words, which make up much of a
 * support e-mail and tell nothing about its topic.
 */

const POLISH = `
a aby abym ach aj albo ale ani az badz bardzo bede bedzie bedziemy beda bez bo by bym
byc byl byla byli bylo byly cala caly ci cie ciebie co cos czasem czego czemu czy czyli
dalej dla do dobra dobrze dobry dzien dzieki dziekuje dziekujemy gdy gdyz gdzie go
hej i ich ile im inna inne inny ja jak jaka jakby jaki jakie jakis jako je jego jej jemu
jest jestem jestes jesli jeszcze jezeli juz ktora ktore ktorego ktorej ktory ktorych
kiedy kto ku lub ma mam mamy mi mial miala mialem mialam mie miec mnie moge moj moja moje
moze mozna mozesz musze my na nad nam nami nas nasz nasza nasze natomiast nawet nic nie
niech niego niej niz no o obok od ok okolo on ona one oni ono oraz pan pani panie panstwo
po pod podczas pomiedzy poniewaz potrzebuja potrzebuje pozdrawiam pozdrowienia prosba prosze
przed przez przy raczej razie sa sam sama serdecznie sie skad so swoj swoja swoje szanowni
szanowny ta tak
taka taki takze tam te tego tej temu ten teraz tez to toba tobie tu tutaj twoj twoja
twoje ty tym u uprzejmie w wam was wasz we wiec witam wlasnie wszystkich wszystko wy z
za zas ze zeby
`;

/** Words of Polish support mails that tell nothing about the topic: time, effort, pleas. */
const POLISH_MAIL_FILLER = `
dni dnia dwa dzis dzisiaj godzin godziny jeden jutro kilka kilku minut minute mowi pilne
pilnie pomoc pomocy pomoz pomozcie problem problemu problemy prosic prosilbym prosilabym
rano temat tydzien tygodnia tylko wciaz wczoraj wiem wiecie zawsze
chce chcialbym chcialabym chcemy ciagle dzieje dziala dzialac dzialaja dzialal dzialala
nadal robic robie zrobic zrobilem zrobilam sprobowalem sprobowalam probowalem probowalam
`;

const ENGLISH = `
a about above after again against all also am an and any are aren arent as at be because
been before being below best between both but by can cannot cant could couldnt dear did
didnt do does doesnt doing don dont down during each few for from further get got had
hadnt has hasnt have havent having he hello her here hers herself hey hi him himself his
how i id if im in into is isnt it its itself ive just kind let lets me more most my
myself need needs no nor not now of off on once only or other ought our ours ourselves out
over own please pls re regards same she should shouldnt sincerely so some such than thank thanks
that thats the their theirs them themselves then there these they this those through to
too under until up us very was wasnt we were werent what whats when where which while who
whom why will with want wants wont would wouldnt you your yours yourself yourselves
`;

/** Words of English support mails that tell nothing about the topic: time, effort, pleas, URL parts. */
const ENGLISH_MAIL_FILLER = `
again already anymore asap ask asked bother com day days help hour hours http https issue
issues know minute minutes morning one problem problems quite really said say says soon sorry
still subject sure tell today told tomorrow tried try trying two urgent urgently week weeks
www yesterday anything nothing something keep keeps kept work works worked working
`;

function wordSet(list: string): Set<string> {
  return new Set(list.split(/\s+/).filter((word) => word.length > 0));
}

const POLISH_STOP_WORDS = new Set([...wordSet(POLISH), ...wordSet(POLISH_MAIL_FILLER)]);
const ENGLISH_STOP_WORDS = new Set([...wordSet(ENGLISH), ...wordSet(ENGLISH_MAIL_FILLER)]);

/**
 * True when a folded token is a stop word of either language. Both lists apply to
 * every text because Polish mails quote English error messages and English mails
 * carry Polish signatures.
 */
export function isStopWord(foldedToken: string): boolean {
  return POLISH_STOP_WORDS.has(foldedToken) || ENGLISH_STOP_WORDS.has(foldedToken);
}
