/**
 * Webhook signing secrets, sealed (SPEC §11: stored encrypted, never logged, returned only on create
 * and rotation). Deployed: KMS Encrypt/Decrypt under the webhook key, with the webhook id as encryption
 * context; the route functions that create or rotate may only Encrypt, the deliverer alone may
 * Decrypt (infra/constructs/webhook-delivery.ts). Locally: AES-256-GCM under a key derived from the local
 * configuration (WEBHOOK_LOCAL_KEY, a fixed default), the webhook id as additional authenticated data.
 *
 * Sealed forms: `kms1:<base64 ciphertext blob>` and `local1:<base64url iv|ciphertext|tag>`.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { config } from '../../config';

let kms: KMSClient | undefined;
const kmsClient = () => (kms ??= new KMSClient({ region: config().region }));
const context = (webhookId: string) => ({ purpose: 'webhook-secret', webhookId });

function localKey(): Buffer {
  const material = config().webhookLocalKey;
  if (!material) throw new Error('webhook secrets: no local key outside local mode');
  return Buffer.from(hkdfSync('sha256', material, 'partnerships/webhook-secret', 'aes-256-gcm v1', 32));
}

export async function sealSecret(secret: string, webhookId: string): Promise<string> {
  const cfg = config();
  if (cfg.mode === 'local') {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', localKey(), iv);
    cipher.setAAD(Buffer.from(webhookId));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `local1:${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')}`;
  }
  if (!cfg.webhookKeyId) throw new Error('webhook secrets: WEBHOOK_KEY_ID is not set');
  const out = await kmsClient().send(
    new EncryptCommand({ KeyId: cfg.webhookKeyId, Plaintext: Buffer.from(secret, 'utf8'), EncryptionContext: context(webhookId) }),
  );
  if (!out.CiphertextBlob) throw new Error('webhook secrets: KMS returned no ciphertext');
  return `kms1:${Buffer.from(out.CiphertextBlob).toString('base64')}`;
}

export async function openSecret(sealed: string, webhookId: string): Promise<string> {
  const [scheme, payload = ''] = sealed.split(':', 2);
  if (scheme === 'local1') {
    const bytes = Buffer.from(payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', localKey(), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(webhookId));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
  }
  if (scheme === 'kms1') {
    const out = await kmsClient().send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(payload, 'base64'), EncryptionContext: context(webhookId) }),
    );
    if (!out.Plaintext) throw new Error('webhook secrets: KMS returned no plaintext');
    return Buffer.from(out.Plaintext).toString('utf8');
  }
  throw new Error('webhook secrets: unknown sealed form');
}
