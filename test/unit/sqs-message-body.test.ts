import { describe, expect, it } from 'vitest';
import { sqsMessageBody } from '#contracts/sqs-message-body.js';

const SQS_ALLOWED = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd]*$/u;

describe('sqsMessageBody', () => {
  it('escapes what SQS refuses (emoji, noncharacters) and JSON.parse gives back the very same message', () => {
    // Prepare: a raw event with an emoji, a noncharacter, accents and a tab
    const message = { rawEvent: '{"description":"Shahdol 🏫 — cuota\tescolar \uffff é"}' };
    // Act
    const body = sqsMessageBody(message);
    // Assess
    expect(body).toMatch(SQS_ALLOWED);
    expect(body).toContain('\\ud83c\\udfeb');
    expect(body).toContain('\\uffff');
    expect(body).toContain('é');
    expect(JSON.parse(body)).toEqual(message);
  });

  it('leaves a plain message exactly as JSON.stringify writes it', () => {
    const message = { stripeEventId: 'evt_1', eventType: 'invoice.paid' };
    expect(sqsMessageBody(message)).toBe(JSON.stringify(message));
  });
});
