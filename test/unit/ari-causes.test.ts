import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.ts';
import { endCauseOf, unansweredOutcomeOf } from '../../telephony/ari/causes.ts';

describe('ARI hangup causes (Q.850)', () => {
  it('maps the causes to how a call ended and what a callback came to', () => {
    expect([16, 17, 18, 19, 21, 1, 34, 38, 0].map(endCauseOf)).toEqual([
      'normal',
      'busy',
      'no-answer',
      'no-answer',
      'rejected',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect([16, 17, 18, 19, 21, 34].map(unansweredOutcomeOf)).toEqual(['no-answer', 'busy', 'no-answer', 'no-answer', 'failed', 'failed']);
  });

  it('TELEPHONY_DIALER=ari needs ARI_URL, ARI_USERNAME and ARI_PASSWORD, named when missing', () => {
    let issues: { variable: string }[] = [];
    try {
      loadConfig({ TELEPHONY_DIALER: 'ari', ARI_URL: 'http://pbx:8088' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      issues = (err as ConfigError).issues;
    }
    expect(issues.map((i) => i.variable).sort()).toEqual(['ARI_PASSWORD', 'ARI_USERNAME']);
    expect(loadConfig({ TELEPHONY_DIALER: 'ari', ARI_URL: 'http://pbx:8088', ARI_USERNAME: 'u', ARI_PASSWORD: 'p' })).toMatchObject({
      ARI_APP: 'sportello',
      ARI_ENDPOINT_TEMPLATE: 'PJSIP/{number}@trunk',
    });
  });
});
