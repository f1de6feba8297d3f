/**
 * Renders a notification as the e-mail a person reads (SPEC §7): the template's content (templates.ts)
 * in one shared layout, as plain text and as HTML. The HTML is built with JSX components rendered to a
 * string by hono/jsx, which escapes every text and attribute value: data never becomes markup (docs/DECISIONS.md, "E-mails"). Email-client-safe HTML: tables, inline styles,
 * no scripts, no images, no external resources.
 *
 * Used at delivery (functions/notifications/deliver.ts) and by the local outbox (local/runtime.ts).
 */
import type { Child } from 'hono/jsx';
import { config, MissingSettingsError } from '../config';
import { NotificationData, PRODUCT_NAME, type AppPath, type EmailContent, type Paragraph } from './content';
import { renderSubject } from './subjects';
import { templateOf } from './templates';

export interface RenderableNotification {
  to: string;
  template: string;
  /** As recorded; rendered again from the template when absent. */
  subject?: string;
  data: Record<string, unknown>;
  at: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** The action link (the client application, never a decision). */
  actionUrl: string;
}

/** `${appUrl}/a/b`: every segment URL-encoded; the start page for an empty path. */
export function appLink(appUrl: string, segments: AppPath): string {
  return `${appUrl.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}`;
}

/** APP_URL (a local default in local mode; required by the functions that render, shared/config.ts). */
export function configuredAppUrl(): string {
  const url = config().appUrl;
  if (!url) throw new MissingSettingsError(['APP_URL']);
  return url;
}

const SAFE_LINK_NOTE = 'The link opens the app, where you sign in; nothing is decided until you choose there.';

export function renderEmail(notification: RenderableNotification, options: { appUrl: string }): RenderedEmail {
  const template = templateOf(notification.template);
  const data = new NotificationData(notification.data);
  const content = template.body(data, { to: notification.to, at: notification.at });
  const subject = notification.subject ?? renderSubject(notification.template, notification.data);
  const actionUrl = appLink(options.appUrl, content.action.path);
  return {
    subject,
    text: renderText(content, actionUrl, notification.to),
    html: `<!doctype html>${toHtml(<Email content={content} subject={subject} actionUrl={actionUrl} to={notification.to} />)}`,
    actionUrl,
  };
}

/**
 * The markup of an element: at run time a hono/jsx node whose toString() renders it, escaped (a string,
 * or a promise had a component been async; these are all synchronous).
 */
function toHtml(element: unknown): string {
  const html: unknown = (element as { toString: () => unknown }).toString();
  if (typeof html !== 'string') throw new Error('e-mail components must be synchronous');
  return html;
}

// ---- plain text -------------------------------------------------------------------------------------------

const plain = (paragraph: Paragraph) => paragraph.map((part) => (typeof part === 'string' ? part : part.strong)).join('');

function renderText(content: EmailContent, actionUrl: string, to: string): string {
  const lines = [content.heading, '', ...content.paragraphs.flatMap((paragraph) => [plain(paragraph), ''])];
  if (content.facts && content.facts.length > 0) lines.push(...content.facts.map(([label, value]) => `${label}: ${value}`), '');
  lines.push(
    `${content.action.label}: ${actionUrl}`,
    SAFE_LINK_NOTE,
    '',
    '-- ',
    content.why,
    `This message was sent to ${to} by ${PRODUCT_NAME}.`,
  );
  return `${lines.join('\n')}\n`;
}

// ---- HTML -----------------------------------------------------------------------------------------------

const COLORS = { page: '#f3f4f6', card: '#ffffff', text: '#1f2937', muted: '#6b7280', line: '#e5e7eb', accent: '#1d4ed8' } as const;
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

function Text({ paragraph }: { paragraph: Paragraph }) {
  return (
    <p style={`margin:0 0 16px;font-size:16px;line-height:24px;color:${COLORS.text};`}>
      {paragraph.map((part) => (typeof part === 'string' ? part : <strong>{part.strong}</strong>))}
    </p>
  );
}

function Facts({ facts }: { facts: EmailContent['facts'] }) {
  if (!facts || facts.length === 0) return null;
  return (
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style={`margin:0 0 24px;border-top:1px solid ${COLORS.line};`}>
      {facts.map(([label, value]) => (
        <tr>
          <td
            style={`padding:8px 12px 8px 0;border-bottom:1px solid ${COLORS.line};font-size:14px;color:${COLORS.muted};white-space:nowrap;vertical-align:top;`}
          >
            {label}
          </td>
          <td style={`padding:8px 0;border-bottom:1px solid ${COLORS.line};font-size:14px;color:${COLORS.text};vertical-align:top;`}>
            {value}
          </td>
        </tr>
      ))}
    </table>
  );
}

function Button({ href, children }: { href: string; children: Child }) {
  return (
    <table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 16px;">
      <tr>
        <td style={`border-radius:6px;background:${COLORS.accent};`}>
          <a
            href={href}
            style={`display:inline-block;padding:12px 22px;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;`}
          >
            {children}
          </a>
        </td>
      </tr>
    </table>
  );
}

function Email({ content, subject, actionUrl, to }: { content: EmailContent; subject: string; actionUrl: string; to: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{subject}</title>
      </head>
      <body style={`margin:0;padding:0;background:${COLORS.page};font-family:${FONT};`}>
        <div style="display:none;max-height:0;overflow:hidden;opacity:0;">{content.preview}</div>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style={`background:${COLORS.page};`}>
          <tr>
            <td align="center" style="padding:24px 12px;">
              <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;">
                <tr>
                  <td style={`padding:0 4px 12px;font-size:14px;font-weight:700;letter-spacing:0.04em;color:${COLORS.accent};`}>
                    {PRODUCT_NAME.toUpperCase()}
                  </td>
                </tr>
                <tr>
                  <td style={`background:${COLORS.card};border:1px solid ${COLORS.line};border-radius:8px;padding:32px 28px;`}>
                    <h1 style={`margin:0 0 20px;font-size:22px;line-height:30px;font-weight:700;color:${COLORS.text};`}>
                      {content.heading}
                    </h1>
                    {content.paragraphs.map((paragraph) => (
                      <Text paragraph={paragraph} />
                    ))}
                    <Facts facts={content.facts} />
                    <Button href={actionUrl}>{content.action.label}</Button>
                    <p style={`margin:0 0 8px;font-size:13px;line-height:20px;color:${COLORS.muted};`}>
                      {SAFE_LINK_NOTE} If the button does not work, open{' '}
                      <a href={actionUrl} style={`color:${COLORS.accent};word-break:break-all;`}>
                        {actionUrl}
                      </a>
                      .
                    </p>
                  </td>
                </tr>
                <tr>
                  <td style={`padding:16px 4px 0;font-size:12px;line-height:18px;color:${COLORS.muted};`}>
                    {content.why} This message was sent to {to} by {PRODUCT_NAME}.
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}
