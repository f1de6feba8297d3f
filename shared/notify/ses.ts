/**
 * E-mail delivery of a rendered notification by Amazon SES v2 (module-scope client, sender from
 * SENDER_EMAIL): the plain-text and the HTML body (shared/notify/email.tsx), UTF-8. Deployed only:
 * locally nothing is sent (GET /local/outbox renders the durable items).
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '../config';
import type { RenderedEmail } from './email';

let client: SESv2Client | undefined;
function ses(): SESv2Client {
  client ??= new SESv2Client({ region: config().region });
  return client;
}

export interface OutgoingNotification extends RenderedEmail {
  to: string;
  /** For logs only: which template this e-mail was rendered from. */
  template: string;
}

/** Sends one e-mail (text + HTML alternatives); returns the SES message id. */
export async function sendNotificationEmail(email: OutgoingNotification): Promise<string | undefined> {
  const from = config().senderEmail;
  if (!from) throw new Error('SENDER_EMAIL is not set');
  const out = await ses().send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      },
    }),
  );
  return out.MessageId;
}
