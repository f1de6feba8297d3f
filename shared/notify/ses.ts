/**
 * E-mail delivery of a notification item by Amazon SES v2 (module-scope client, sender from
 * SENDER_EMAIL). Deployed only: locally nothing is sent (GET /local/outbox reads the durable items).
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '../config';

let client: SESv2Client | undefined;
function ses(): SESv2Client {
  client ??= new SESv2Client({ region: config().region });
  return client;
}

export interface OutgoingNotification {
  to: string;
  template: string;
  subject: string;
  data: Record<string, unknown>;
}

/** Plain-text body: the subject, then the notification's data, one field per line. */
export function renderBody(notification: OutgoingNotification): string {
  const lines = Object.entries(notification.data)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [notification.subject, '', ...lines, '', `(${notification.template})`].join('\n');
}

/** Sends one notification; returns the SES message id. */
export async function sendNotificationEmail(notification: OutgoingNotification): Promise<string | undefined> {
  const from = config().senderEmail;
  if (!from) throw new Error('SENDER_EMAIL is not set');
  const out = await ses().send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [notification.to] },
      Content: {
        Simple: {
          Subject: { Data: notification.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: renderBody(notification), Charset: 'UTF-8' } },
        },
      },
    }),
  );
  return out.MessageId;
}
