import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { policySchema } from '../../src/config/policy.js';
import { ladderTargets, lineTarget } from '../../src/sla/ladder-policy.js';
import { foldForMatching, matchesKeyword, triageTicket, type TriageInput } from '../../src/triage/rules.js';

const policy = policySchema.parse({
  triage: {
    defaultPriority: 'P3',
    vip: ['prezes@firma.example'],
    groups: { zarzad: ['@zarzad.firma.example', 'cfo@firma.example'] },
    rules: [
      { name: 'security-incident', keywords: ['phishing', 'wyciek danych', 'security'], priority: 'P1', category: 'security' },
      { name: 'outage', keywords: ['awari*', 'nie działa nikomu', 'outage', 'everyone is down'], priority: 'P1' },
      { name: 'urgent', keywords: ['pilne', 'urgent', 'asap'], priority: 'P2' },
      { name: 'vip', vip: true, priority: 'P2' },
      { name: 'board', requesterGroup: 'zarzad', priority: 'P2' },
      { name: 'network', keywords: ['vpn', 'wifi', 'wi-fi', 'sieć'], category: 'network' },
      { name: 'slack-low', channel: 'slack', priority: 'P4' },
      { name: 'kb-printing', kbTags: ['drukarka'], category: 'printing' },
    ],
  },
}).triage;

function input(overrides: Partial<TriageInput>): TriageInput {
  return { subject: '', text: '', requesterAddress: 'jan@firma.example', channel: 'email', kbTags: [], ...overrides };
}

describe('triageTicket', () => {
  describe('when keywords match in Polish', () => {
    it('sets P1 for an outage phrase typed without diacritics', () => {
      const result = triageTicket(policy, input({ subject: 'Poczta', text: 'Outlook nie dziala nikomu w biurze.' }));
      expect(result.priority).toBe('P1');
      expect(result.rule).toBe('outage');
    });

    it('matches an inflected word through a prefix keyword', () => {
      const result = triageTicket(policy, input({ subject: 'Awarię serwera zgłaszam', text: '' }));
      expect(result.priority).toBe('P1');
      expect(result.rule).toBe('outage');
    });

    it('sets P2 for "pilne" in the subject', () => {
      const result = triageTicket(policy, input({ subject: 'PILNE: drukarka', text: 'Proszę o pomoc.' }));
      expect(result.priority).toBe('P2');
      expect(result.rule).toBe('urgent');
    });

    it('takes priority and category from different rules', () => {
      const result = triageTicket(policy, input({ subject: 'Pilne - VPN', text: 'Sieć w domu działa, VPN nie.' }));
      expect(result).toEqual({ priority: 'P2', category: 'network', rule: 'urgent', categoryRule: 'network' });
    });
  });

  describe('when keywords match in English', () => {
    it('sets P1 and security for phishing', () => {
      const result = triageTicket(policy, input({ subject: 'Suspicious mail', text: 'I think this is a phishing attempt.' }));
      expect(result).toEqual({ priority: 'P1', category: 'security', rule: 'security-incident', categoryRule: 'security-incident' });
    });

    it('sets P1 for an outage phrase', () => {
      const result = triageTicket(policy, input({ subject: 'Everyone is down', text: 'CRM outage since 9:00' }));
      expect(result.rule).toBe('outage');
    });

    it('does not match a keyword inside another word', () => {
      const result = triageTicket(policy, input({ subject: 'Insecurity of my chair', text: 'Urgently? No, whenever.' }));
      expect(result.priority).toBe('P3');
      expect(result.rule).toBeNull();
    });
  });

  describe('when the requester decides', () => {
    it('raises a VIP requester to P2', () => {
      const result = triageTicket(policy, input({ subject: 'Monitor', requesterAddress: 'Prezes@Firma.example' }));
      expect(result.priority).toBe('P2');
      expect(result.rule).toBe('vip');
    });

    it('matches a group by domain', () => {
      const result = triageTicket(policy, input({ subject: 'Monitor', requesterAddress: 'anna@zarzad.firma.example' }));
      expect(result.rule).toBe('board');
    });

    it('prefers the earlier rule when several match', () => {
      const result = triageTicket(policy, input({ subject: 'urgent', requesterAddress: 'prezes@firma.example' }));
      expect(result.rule).toBe('urgent');
    });
  });

  describe('when channel or knowledge base decides', () => {
    it('sets P4 for Slack tickets without other matches', () => {
      expect(triageTicket(policy, input({ subject: 'Mouse', channel: 'slack' })).rule).toBe('slack-low');
    });

    it('sets the category from the answering article tags', () => {
      const result = triageTicket(policy, input({ subject: 'Nie drukuje', kbTags: ['Drukarka', 'biuro'] }));
      expect(result.category).toBe('printing');
      expect(result.categoryRule).toBe('kb-printing');
    });
  });

  it('applies the defaults when nothing matches', () => {
    expect(triageTicket(policy, input({ subject: 'Office chair' }))).toEqual({ priority: 'P3', category: null, rule: null, categoryRule: null });
  });
});

describe('matchesKeyword', () => {
  it('ignores case and Polish diacritics on both sides', () => {
    const text = foldForMatching('Zażółć gęślą JAŹŃ');
    expect(matchesKeyword(text, 'zazolc gesla')).toBe(true);
    expect(matchesKeyword(text, 'GĘŚLĄ jaźń')).toBe(true);
  });

  it('treats punctuation as a word boundary', () => {
    expect(matchesKeyword(foldForMatching('Wi-Fi: brak sieci!'), 'wi-fi')).toBe(true);
  });
});

describe('triage policy', () => {
  it('rejects a rule without a condition', () => {
    const parsed = policySchema.safeParse({ triage: { rules: [{ name: 'x', priority: 'P1' }] } });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('at least one condition');
  });

  it('rejects an unknown requester group', () => {
    const parsed = policySchema.safeParse({ triage: { rules: [{ name: 'x', requesterGroup: 'nobody', priority: 'P1' }] } });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('group \\"nobody\\" is not defined');
  });

  it('rejects an unknown ladder schedule', () => {
    const parsed = policySchema.safeParse({ ladder: { P1: { categories: { network: { schedule: 'weekends' } } } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['ladder', 'P1', 'categories', 'network', 'schedule']);
    expect(parsed.error?.issues[0]?.message).toBe('schedule "weekends" is unknown; use one of: default, 24x7');
  });

  it('rejects an invalid priority', () => {
    const parsed = policySchema.safeParse({ triage: { rules: [{ name: 'x', keywords: ['a'], priority: 'P0' }] } });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('must be P1, P2, P3 or P4');
  });
});

describe('examples/policy.yml', () => {
  const file = path.resolve(__dirname, '..', '..', 'examples', 'policy.yml');
  const example = loadConfig({ LINIA_POLICY_FILE: file }, []).policy;

  it('triages a Polish outage as P1 by rule outage', () => {
    const result = triageTicket(example.triage, input({ subject: 'Awaria drukarki', text: 'Nikt nie może drukować od rana.' }));
    expect(result.priority).toBe('P1');
    expect(result.rule).toBe('outage');
  });

  it('triages English phishing as P1 security', () => {
    const result = triageTicket(example.triage, input({ subject: 'Phishing e-mail from "IT"', text: 'Should I click?' }));
    expect(result).toEqual({ priority: 'P1', category: 'security', rule: 'security-incident', categoryRule: 'security-incident' });
  });

  it('gives P1 security tickets 15 minutes to L2, around the clock', () => {
    const targets = ladderTargets(example, 'P1', 'security');
    expect(targets).toMatchObject({ schedule: '24x7', responseMs: 30 * 60_000, toL2Ms: 15 * 60_000, remindBeforeMs: [15 * 60_000] });
    expect(lineTarget(example, 'L3', 'security').slackChannel).toBe('C0123SECU');
  });
});
