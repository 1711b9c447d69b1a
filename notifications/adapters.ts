import type { MessageChannel } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import type { ChannelAdapter } from './channel.ts';
import { createEmailAdapter } from './email.ts';

/**
 * Which adapter sends each channel, as this deployment is configured. A factory answers with its
 * adapter, or with the reason the channel cannot be sent here; that channel's messages then stay
 * queued with the reason as their last error (never dropped) until a worker that can send them runs.
 * A new channel is one more line.
 */
const factories: Record<MessageChannel, (config: Config) => ChannelAdapter | string> = {
  email: (c) => (c.SMTP_URL ? createEmailAdapter({ ...c, SMTP_URL: c.SMTP_URL }) : 'e-mail is not configured: set SMTP_URL to send it'),
  sms: () => 'no SMS adapter in this version',
  io: () => 'no App IO adapter in this version',
  letter: () => 'no letter adapter in this version',
};

export type Adapters = Partial<Record<MessageChannel, ChannelAdapter>>;

export function buildAdapters(config: Config): { adapters: Adapters; unavailable: Partial<Record<MessageChannel, string>> } {
  const adapters: Adapters = {};
  const unavailable: Partial<Record<MessageChannel, string>> = {};
  for (const [channel, make] of Object.entries(factories) as [MessageChannel, (c: Config) => ChannelAdapter | string][]) {
    const made = make(config);
    if (typeof made === 'string') unavailable[channel] = made;
    else adapters[channel] = made;
  }
  return { adapters, unavailable };
}
