import { randomUUID } from 'node:crypto';
import ari, { type AriChannelJson, type AriClient } from 'ari-client';
import type { CallControl, ConnectOutcome, ConnectRequest } from '../../domain/call-control.ts';
import type { EndCause } from '../../domain/call-events.ts';
import type { CallOutcome, Dialer, DialOptions } from '../../domain/dialer.ts';
import { type LineRecord, type QueuePriority, phoneVariants, priorityOf } from '../../domain/line.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SipCallEvents } from '../sip/call-events.ts';
import { endCauseOf, unansweredOutcomeOf } from './causes.ts';
import { joinQueue } from '../../domain/waiting-queue.ts';

export interface StasisAppOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  /** Where a citizen's number is dialled, `{number}` replaced: `PJSIP/{number}@trunk`. */
  endpointTemplate: string;
  /** Where an operator's phone is rung, `{extension}` replaced: `PJSIP/{extension}`. */
  agentEndpointTemplate: string;
  callerId: string;
  /** The media played as a line's IVR menu, `{line}` replaced by the line's id. */
  promptMedia: string;
  /** The dialplan context an office's number is dialled in on a transfer (its extension). */
  transferContext: string;
  mohClass: string;
  /** How long an operator's phone rings before the connect counts as failed. */
  agentRingSeconds: number;
  lines: LineRecord[];
  /** The neutral call events (the same mapping the SIP user agent uses). */
  events: SipCallEvents;
  log: Logger;
}

type State = 'ringing' | 'ivr' | 'queued' | 'connecting' | 'connected' | 'transferring' | 'dialling' | 'ended';
interface Call {
  callId: string;
  channelId: string;
  direction: 'inbound' | 'outbound';
  caller: string;
  called: string;
  line: LineRecord | null;
  state: State;
  since: number;
  queued?: { queue: string; since: number; priority: QueuePriority };
  playbackId?: string;
  hangupCause?: number;
  /** A step of ours was refused: the call is recorded failed, whatever cause ends it. */
  failedHere?: boolean;
  agent?: { channelId: string; name: string; settle: (o: ConnectOutcome) => void };
  bridgeId?: string;
  /** Outbound: settles the dialer's promise. */
  settle?: (o: CallOutcome) => void;
  answered?: boolean;
  transferTarget?: string;
}

const agentRole = 'agent';
const callbackRole = 'callback';
const dialable = /^\+?[0-9]{3,20}$/;
const holdingBridge = (queue: string) => `sportello-queue-${queue}`;
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The Sportello Stasis application on Asterisk's ARI (ari-client): inbound calls the dialplan hands
 * to `Stasis(ARI_APP)` are answered, hear their line's IVR prompt and choose with a key; a queue
 * choice waits in the queue's holding bridge with music on hold until the agent desktop asks
 * `connect` (the operator's phone is originated and, once answered, bridged with the caller in a
 * mixing bridge); a transfer choice continues in the dialplan to the office's number. Callbacks
 * are originated. Everything is recorded as neutral call events; hangup causes (Q.850) decide how
 * a call ended. The event WebSocket is reconnected with back-off, and after a reconnection the
 * channels that ended meanwhile (events lost) are found by listing the channels.
 */
export class StasisApp implements Dialer, CallControl {
  private client: AriClient | null = null;
  private readonly calls = new Map<string, Call>();
  /** Every channel of ours: the call it belongs to, and whether it is the operator's leg. */
  private readonly channels = new Map<string, { call: Call; agent: boolean }>();
  private readonly queues = new Map<string, Call[]>();
  private readonly lineOf: (n: string) => LineRecord | null;
  private stopped = false;
  private connections = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly o: StasisAppOptions) {
    const byNumber = new Map(o.lines.flatMap((l) => l.numbers.flatMap((n) => phoneVariants(n).map((v) => [v, l] as const))));
    this.lineOf = (n) => byNumber.get(phoneVariants(n)[0] ?? '') ?? null;
  }

  /** Connects (and keeps reconnecting) in the background; resolves once the first connection is up or has failed once. */
  start(): Promise<void> {
    return new Promise((resolve) => void this.open(0, resolve));
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Callers waiting in a queue here. */
  waiting(queue: string): number {
    return this.queues.get(queue)?.length ?? 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    // Whoever waits on a call here (a callback attempt, a connect) is answered: nothing more will come.
    for (const call of this.calls.values()) {
      if (!call.answered) call.settle?.('failed');
      call.agent?.settle('failed');
    }
    const client = this.client;
    this.client = null;
    try {
      client?.stop();
    } catch {
      // never started its WebSocket
    }
  }

  /** Hangs up a call of ours (both legs): ARI's own events record the end. */
  async hangup(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (call) await this.hangupChannel(call.channelId);
  }

  // --- the connection ---

  /** ARI's error text, without the password (ari-client's messages can carry the WebSocket URL). */
  private redact(err: unknown): string {
    return messageOf(err).split(this.o.password).join('***').split(encodeURIComponent(this.o.password)).join('***');
  }

  private async open(attempt: number, ready?: () => void): Promise<void> {
    if (this.stopped) return;
    try {
      const client = await ari.connect(this.o.url, this.o.username, this.o.password);
      client.on('*', (event: AriEvent) => void this.onEvent(event));
      client.on('WebSocketConnected', () => {
        this.connections += 1;
        // After the first connection: events of the outage are lost, ask what is still there.
        if (this.connections > 1 && this.client === client) void this.resync();
      });
      client.on('WebSocketReconnecting', (err?: unknown) =>
        this.o.log.warn({ err: err ? this.redact(err) : undefined }, 'ARI WebSocket lost: reconnecting'),
      );
      client.on('WebSocketMaxRetries', () => {
        this.o.log.error('ARI WebSocket: reconnection attempts exhausted, connecting anew');
        if (this.client === client) this.client = null;
        this.scheduleConnect(0);
      });
      await client.start(this.o.app);
      if (this.stopped) return client.stop();
      this.client = client;
      const info = await client.asterisk.getInfo().catch(() => null);
      this.o.log.info({ url: this.o.url, app: this.o.app, asterisk: info?.system?.version }, 'ARI Stasis application connected');
      // A client made anew after an outage: its first connection is a reconnection too.
      if (this.connections > 1) await this.resync();
    } catch (err) {
      this.o.log.error({ err: this.redact(err), url: this.o.url }, 'ARI not reachable: retrying');
      this.scheduleConnect(attempt + 1);
    }
    ready?.();
  }

  private scheduleConnect(attempt: number) {
    if (this.stopped) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
    this.retry = setTimeout(() => void this.open(attempt), delay);
  }

  /** Channels we follow that ARI no longer has ended while we were not listening: as if cleared normally. */
  private async resync(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const alive = new Set((await client.channels.list()).map((c) => c.id));
      for (const [channelId, { call, agent }] of [...this.channels])
        if (!alive.has(channelId)) this.channelGone(call, agent, call.hangupCause ?? 16);
    } catch (err) {
      this.o.log.error({ err: this.redact(err) }, 'ARI channels not listed after reconnecting');
    }
  }

  // --- events ---

  private async onEvent(e: AriEvent): Promise<void> {
    try {
      const channel = e.channel;
      if (!channel) return;
      const ours = this.channels.get(channel.id);
      switch (e.type) {
        case 'StasisStart':
          if (e.args?.[0] === agentRole) return ours && (await this.agentAnswered(ours.call));
          if (e.args?.[0] === callbackRole) return ours && this.callbackAnswered(ours.call);
          return await this.inbound(channel);
        case 'ChannelDtmfReceived':
          if (ours && !ours.agent && e.digit) await this.key(ours.call, e.digit);
          return;
        case 'ChannelHangupRequest':
          if (ours && typeof e.cause === 'number') ours.call.hangupCause = e.cause;
          return;
        case 'StasisEnd':
          if (!ours || ours.agent) return;
          if (ours.call.state === 'transferring') return this.transferDone(ours.call);
          // Hung up inside the application: the cause came with the hangup request.
          if (ours.call.hangupCause !== undefined) this.channelGone(ours.call, false, ours.call.hangupCause);
          return;
        case 'ChannelDestroyed':
          if (ours) this.channelGone(ours.call, ours.agent, e.cause ?? ours.call.hangupCause ?? 0);
          return;
        default:
          return;
      }
    } catch (err) {
      this.o.log.error({ err: this.redact(err), type: e.type }, 'ARI event not handled');
    }
  }

  private track(call: Call, channelId: string, agent = false) {
    this.channels.set(channelId, { call, agent });
  }

  private async inbound(channel: AriChannelJson): Promise<void> {
    if (this.channels.has(channel.id)) return;
    const called = channel.dialplan.exten;
    const line = this.lineOf(called);
    const call: Call = {
      callId: channel.id,
      channelId: channel.id,
      direction: 'inbound',
      caller: channel.caller.number || 'anonymous',
      called,
      line,
      state: 'ringing',
      since: Date.now(),
    };
    this.calls.set(call.callId, call);
    this.track(call, channel.id);
    this.o.events.offered(call);
    const client = this.client;
    if (!client) return;
    if (!line) {
      // A number that is no line of ours: refused, as a PBX refuses an unallocated number.
      call.failedHere = true;
      this.o.log.warn({ called }, 'ARI call to a number that is no line: hung up');
      return this.hangupChannel(channel.id, 'congestion');
    }
    try {
      await client.channels.answer({ channelId: channel.id });
    } catch (err) {
      return this.refused(call, 'answer', err);
    }
    if (call.state !== 'ringing') return;
    call.state = 'ivr';
    await this.prompt(call);
  }

  private async prompt(call: Call): Promise<void> {
    const media = this.o.promptMedia.replaceAll('{line}', call.line?.id ?? '');
    try {
      const playback = await this.client?.channels.play({ channelId: call.channelId, media, playbackId: randomUUID() });
      call.playbackId = playback?.id;
    } catch (err) {
      // The menu still works by keys: the caller only misses the prompt.
      this.o.log.warn({ err: this.redact(err), callId: call.callId }, 'ARI refused to play the IVR prompt');
    }
  }

  /** A step of the inbound flow ARI refused: the caller is hung up and the call recorded as failed. */
  private async refused(call: Call, step: string, err: unknown) {
    this.o.log.error({ err: this.redact(err), callId: call.callId, step }, 'ARI refused a step of the call: hanging up');
    call.failedHere = true;
    await this.hangupChannel(call.channelId);
  }

  private async key(call: Call, digit: string): Promise<void> {
    if (call.state !== 'ivr' || !call.line) return;
    const { menu, options } = call.line.config.ivr;
    this.o.events.dtmf(call.callId, menu, digit);
    const option = options[digit];
    if (!option) return;
    if (call.playbackId) void this.client?.playbacks.stop({ playbackId: call.playbackId }).catch(() => undefined);
    call.playbackId = undefined;
    if ('queue' in option) return this.enqueue(call, option.queue);
    call.state = 'transferring';
    call.transferTarget = option.transferTo;
    try {
      await this.client!.channels.continueInDialplan({
        channelId: call.channelId,
        context: this.o.transferContext,
        extension: option.transferTo,
        priority: 1,
      });
    } catch (err) {
      // Not handed over: the caller is not left alone, but waits in the line's first queue.
      this.o.log.error({ err: this.redact(err), callId: call.callId }, 'ARI refused the transfer: queueing the caller');
      call.state = 'ivr';
      call.transferTarget = undefined;
      await this.enqueue(call, call.line.config.queues[0]!.id);
    }
  }

  private async enqueue(call: Call, queue: string): Promise<void> {
    const client = this.client!;
    const bridgeId = holdingBridge(queue);
    call.state = 'queued';
    try {
      await client.bridges.createWithId({ bridgeId, type: 'holding', name: queue });
      await client.bridges.startMoh({ bridgeId, mohClass: this.o.mohClass });
      await client.bridges.addChannel({ bridgeId, channel: call.channelId, role: 'participant' });
    } catch (err) {
      return this.refused(call, 'queue', err);
    }
    if (call.state !== 'queued') return; // hung up meanwhile
    const priority = call.line ? priorityOf(call.line, call.caller) : 'normal';
    const waiting = this.queues.get(queue) ?? [];
    this.queues.set(queue, waiting);
    const position = joinQueue(waiting, call, priority, (c) => c.queued!.priority);
    call.queued = { queue, since: Date.now(), priority };
    this.o.events.queued(call.callId, queue, position, priority);
  }

  private dequeue(call: Call) {
    if (!call.queued) return;
    const waiting = this.queues.get(call.queued.queue) ?? [];
    this.queues.set(
      call.queued.queue,
      waiting.filter((c) => c !== call),
    );
  }

  private transferDone(call: Call) {
    this.o.events.transferred(call, call.transferTarget!);
    this.o.events.transferCompleted(call.callId);
    this.forget(call);
  }

  // --- connecting a queued caller to the operator who answered ---

  async connect({ callId, agent, extension }: ConnectRequest): Promise<ConnectOutcome> {
    const call = this.calls.get(callId);
    if (!call || call.direction !== 'inbound' || (call.state !== 'queued' && call.state !== 'connecting')) return 'gone';
    const client = this.client;
    if (call.state === 'connecting' || !client || !extension) return 'failed';
    call.state = 'connecting';
    const channelId = `${callId}-agent-${randomUUID().slice(0, 8)}`;
    const outcome = new Promise<ConnectOutcome>((resolve) => (call.agent = { channelId, name: agent, settle: resolve }));
    this.track(call, channelId, true);
    try {
      await client.channels.originate({
        endpoint: this.o.agentEndpointTemplate.replaceAll('{extension}', extension),
        app: this.o.app,
        appArgs: agentRole,
        callerId: call.caller,
        timeout: this.o.agentRingSeconds,
        channelId,
      });
    } catch (err) {
      this.o.log.error({ err: this.redact(err), callId, agent }, "ARI refused to ring the operator's phone");
      this.agentLegEnded(call, 'failed');
    }
    return outcome;
  }

  async requeue(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    // The caller never left the holding bridge: only a ringing operator leg is to be dropped.
    if (call?.state === 'connecting' && call.agent) await this.hangupChannel(call.agent.channelId);
  }

  private async agentAnswered(call: Call): Promise<void> {
    const leg = call.agent;
    if (!leg || call.state !== 'connecting') return;
    const client = this.client!;
    const bridgeId = `${call.callId}-call`;
    try {
      await client.bridges.create({ type: 'mixing', bridgeId, name: `call ${call.callId}` });
      call.bridgeId = bridgeId;
      if (call.queued) await client.bridges.removeChannel({ bridgeId: holdingBridge(call.queued.queue), channel: call.channelId });
      await client.bridges.addChannel({ bridgeId, channel: call.channelId });
      await client.bridges.addChannel({ bridgeId, channel: leg.channelId });
    } catch (err) {
      this.o.log.error({ err: this.redact(err), callId: call.callId }, 'ARI refused to bridge the caller with the operator');
      await this.hangupChannel(leg.channelId);
      if (call.state === 'connecting' && call.queued) {
        await client.bridges.addChannel({ bridgeId: holdingBridge(call.queued.queue), channel: call.channelId }).catch(() => undefined);
        this.agentLegEnded(call, 'failed');
      }
      return;
    }
    if (call.state !== 'connecting') return;
    this.dequeue(call);
    call.state = 'connected';
    this.o.events.agentConnected(call.callId, leg.name);
    leg.settle('connected');
  }

  /** The operator's leg is over before it was bridged: the caller is still waiting in the queue. */
  private agentLegEnded(call: Call, outcome: ConnectOutcome) {
    const leg = call.agent;
    if (!leg) return;
    this.channels.delete(leg.channelId);
    call.agent = undefined;
    if (call.state === 'connecting') call.state = 'queued';
    leg.settle(outcome);
  }

  // --- callbacks ---

  async call(to: string, { callId, ringSeconds, linkedCallId = null }: DialOptions): Promise<CallOutcome> {
    const client = this.client;
    if (!dialable.test(to) || !client || this.calls.has(callId)) return 'failed';
    const channelId = `sportello-${randomUUID()}`;
    const call: Call = {
      callId,
      channelId,
      direction: 'outbound',
      caller: this.o.callerId,
      called: to,
      line: this.lineOf(this.o.callerId),
      state: 'dialling',
      since: Date.now(),
    };
    const outcome = new Promise<CallOutcome>((resolve) => (call.settle = resolve));
    this.calls.set(callId, call);
    this.track(call, channelId);
    this.o.events.dialled(call, linkedCallId);
    try {
      await client.channels.originate({
        endpoint: this.o.endpointTemplate.replaceAll('{number}', to),
        app: this.o.app,
        appArgs: callbackRole,
        callerId: this.o.callerId,
        timeout: ringSeconds,
        channelId,
      });
    } catch (err) {
      this.o.log.error({ err: this.redact(err), callId }, 'ARI refused to originate the callback');
      this.finish(call, 'failed');
      call.settle?.('failed');
      return outcome;
    }
    // Asterisk gives up at `timeout`; should its hangup never reach us, we give up a little later.
    const timer = setTimeout(
      () => {
        if (call.answered || call.state === 'ended') return;
        void this.hangupChannel(channelId).then(() => {
          if (call.state !== 'ended') this.channelGone(call, false, 19);
        });
      },
      ringSeconds * 1000 + 5000,
    );
    return outcome.finally(() => clearTimeout(timer));
  }

  private callbackAnswered(call: Call) {
    if (call.state !== 'dialling') return;
    call.answered = true;
    call.state = 'connected';
    this.o.events.answered(call.callId);
    call.settle?.('answered');
  }

  // --- hangups ---

  /** A channel of ours is gone, with its Q.850 cause. */
  private channelGone(call: Call, agent: boolean, cause: number) {
    if (call.state === 'ended') return;
    if (agent) {
      const leg = call.agent;
      if (call.state === 'connected' && leg) {
        // The operator hung up: the caller's line is cleared too, and its end recorded from its own events.
        this.channels.delete(leg.channelId);
        void this.hangupChannel(call.channelId);
      } else this.agentLegEnded(call, 'failed');
      return;
    }
    const waited = call.state === 'queued' || call.state === 'connecting';
    const ringing = call.state === 'ringing';
    if (call.direction === 'outbound' && !call.answered) {
      const outcome = call.failedHere ? 'failed' : unansweredOutcomeOf(cause);
      this.finish(call, endCauseOf(cause) === 'rejected' ? 'rejected' : outcome);
      call.settle?.(outcome);
      return;
    }
    if (call.agent) {
      const leg = call.agent;
      if (call.state === 'connecting') leg.settle('gone');
      void this.hangupChannel(leg.channelId);
    }
    if (waited && !call.failedHere) {
      this.dequeue(call);
      this.o.events.abandonedInQueue(call.callId, call.queued?.since ?? call.since);
      return this.forget(call);
    }
    if (ringing && !call.failedHere) {
      this.o.events.cancelled(call.callId, call.since);
      return this.forget(call);
    }
    if (call.state === 'transferring') return this.transferDone(call);
    this.finish(
      call,
      call.failedHere && call.direction === 'inbound' && !call.line ? 'rejected' : call.failedHere ? 'failed' : endCauseOf(cause),
    );
  }

  private finish(call: Call, cause: Exclude<EndCause, 'abandoned' | 'transferred'>) {
    if (cause === 'normal') this.o.events.hungUp(call.callId);
    else if (cause === 'rejected') this.o.events.declined(call.callId);
    else this.o.events.failed(call.callId, cause);
    this.forget(call);
  }

  private forget(call: Call) {
    call.state = 'ended';
    this.dequeue(call);
    this.calls.delete(call.callId);
    this.channels.delete(call.channelId);
    if (call.agent) this.channels.delete(call.agent.channelId);
    if (call.bridgeId) void this.client?.bridges.destroy({ bridgeId: call.bridgeId }).catch(() => undefined);
  }

  private async hangupChannel(channelId: string, reason: 'normal' | 'busy' | 'congestion' = 'normal') {
    try {
      await this.client?.channels.hangup({ channelId, reason });
    } catch (err) {
      // Most often already gone (404); its ChannelDestroyed, or the next resync, settles it.
      this.o.log.debug({ err: this.redact(err), channelId }, 'ARI hangup refused');
    }
  }
}

/** An ARI event as the WebSocket delivers it: the fields used here. */
interface AriEvent {
  type: string;
  channel?: AriChannelJson;
  args?: string[];
  digit?: string;
  cause?: number;
}
