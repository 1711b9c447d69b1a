import dgram from 'node:dgram';
import type { QueuePriority } from '../../domain/line.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallOutcome } from '../../domain/dialer.ts';
import { type CallParties, outcomeOf, type SipCallEvents } from './call-events.ts';
import { type Dialog, dialogAsCallee, dialogAsCaller, inDialog, isOfDialog } from './dialog.ts';
import { parseDtmfRelay, parseRtpEvent } from './dtmf.ts';
import { header, param, parseCSeq, parseUri, type SipRequest, type SipResponse } from './message.ts';
import { buildSdp, defaultTelephoneEvent, parseSdp } from './sdp.ts';
import { newBranch, newTag, type Peer, SipTransport } from './transport.ts';
import { joinQueue } from '../../domain/waiting-queue.ts';

/**
 * What the IVR of a dialled number does with a key: a transfer to a number (REFER), or a wait in
 * a queue for an operator, profiled callers first.
 */
export interface IvrMenu {
  menu: string;
  transfers: Record<string, string>;
  queues?: Record<string, string>;
  priorityOf?: (caller: string) => QueuePriority;
}

export interface SipUserAgentOptions {
  bind: Peer;
  /** The PBX or proxy outbound calls and transfers go to; null: transfers go back to the calling peer. */
  pbx: Peer | null;
  /** The number presented on outbound calls. */
  callerId: string;
  /** How long an inbound call rings before the IVR answers it. */
  ringMs: number;
  /** The IVR of the dialled number. */
  ivr: (called: string) => IvrMenu;
  events: SipCallEvents;
  log: Logger;
}

interface Call extends CallParties {
  direction: 'inbound' | 'outbound';
  state: 'ringing' | 'up' | 'ended';
  invite: SipRequest;
  dialog: Dialog | null;
  /** Inbound: our To tag. */
  localTag?: string;
  media: dgram.Socket;
  lastDtmf: number | null;
  startedAt: number;
  timer?: NodeJS.Timeout;
  /** Outbound: settles the dialler's promise. */
  settle?: (o: CallOutcome) => void;
  cancelled?: boolean;
  transfer?: { target: string; done: (ok: boolean) => void };
  /** Inbound: waiting in a queue for an operator. */
  queued?: { queue: string; since: number; priority: QueuePriority };
}

const allow = 'INVITE, ACK, CANCEL, BYE, INFO, NOTIFY, OPTIONS';
const userOf = (value: string) => parseUri(value.match(/<([^>]*)>/)?.[1] ?? value)?.user || 'anonymous';

/**
 * The SIP user agent of the telephony worker: answers inbound calls as the IVR (100, 180, then
 * 200 with SDP after `ringMs`), reads DTMF from SIP INFO and RFC 4733 RTP events, follows
 * CANCEL/487, BYE, performs blind transfers with REFER, and places outbound calls. Each step is
 * reported as a call event.
 */
export class SipUserAgent {
  private readonly calls = new Map<string, Call>();
  /** Callers waiting per queue, in the order they are taken: high priority first, then by arrival. */
  private readonly queues = new Map<string, Call[]>();

  private constructor(
    private readonly transport: SipTransport,
    private readonly o: SipUserAgentOptions,
  ) {
    transport.onRequest = (req, from) => this.onRequest(req, from);
  }

  static async start(o: SipUserAgentOptions): Promise<SipUserAgent> {
    return new SipUserAgent(await SipTransport.bind(o.bind.address, o.bind.port, o.log), o);
  }

  get address(): Peer {
    return this.transport.local;
  }
  get activeCalls(): number {
    return this.calls.size;
  }

  /** How many callers wait in a queue. */
  waiting(queue: string): number {
    return this.queues.get(queue)?.length ?? 0;
  }

  /** An operator takes the next caller of a queue (the operator's desk or ACD calls this); the call's id, or null when nobody waits. */
  pickUp(queue: string, agent: string): string | null {
    const call = this.queues.get(queue)?.shift();
    if (!call) return null;
    call.queued = undefined;
    this.o.events.agentConnected(call.callId, agent);
    return call.callId;
  }

  /** Places a call to `to` through the PBX and settles when it is answered or has failed. */
  originate(
    to: string,
    { callId, ringSeconds, linkedCallId = null }: { callId: string; ringSeconds: number; linkedCallId?: string | null },
  ): Promise<CallOutcome> {
    const pbx = this.o.pbx;
    if (!pbx) throw new Error('no PBX configured for outbound calls');
    return new Promise(
      (resolve) =>
        void this.withMedia().then((media) => {
          const local = this.transport.local;
          const target = `sip:${to}@${pbx.address}:${pbx.port}`;
          const invite: SipRequest = {
            kind: 'request',
            method: 'INVITE',
            uri: target,
            body: buildSdp(local.address, media.address().port),
            headers: new Map([
              ['via', [this.transport.via(newBranch())]],
              ['max-forwards', ['70']],
              ['from', [`<sip:${this.o.callerId}@${local.address}:${local.port}>;tag=${newTag()}`]],
              ['to', [`<${target}>`]],
              ['call-id', [callId]],
              ['cseq', ['1 INVITE']],
              ['contact', [`<sip:sportello@${local.address}:${local.port}>`]],
              ['allow', [allow]],
              ['content-type', ['application/sdp']],
            ]),
          };
          const call = this.addCall({ callId, caller: this.o.callerId, called: to, invite, media, settle: resolve });
          this.o.events.dialled(call, linkedCallId);
          let ringing = false;
          call.timer = setTimeout(() => this.ringTimeout(call, ringing), ringSeconds * 1000);
          this.transport.request(invite, pbx, (res) => {
            if (res.status < 200) ringing = true;
            else if (res.status < 300) this.outboundAnswered(call, res, pbx);
            else this.outboundFailed(call, res.status);
          });
        }),
    );
  }

  /** Blind transfer (REFER): true once the transferee reports the target answered. */
  transfer(callId: string, target: string): Promise<boolean> {
    const call = this.calls.get(callId);
    if (!call?.dialog || call.state !== 'up' || call.transfer) return Promise.resolve(false);
    const host = this.o.pbx ?? call.dialog.next;
    const local = this.transport.local;
    return new Promise((done) => {
      call.transfer = {
        target,
        done: (ok) => {
          call.transfer = undefined;
          done(ok);
        },
      };
      const refer = inDialog(call.dialog!, this.transport, 'REFER', [
        ['refer-to', `<sip:${target}@${host.address}:${host.port}>`],
        ['referred-by', `<sip:${this.o.callerId}@${local.address}:${local.port}>`],
      ]);
      this.transport.request(refer, call.dialog!.next, (res) => {
        if (res.status === 202 || res.status === 200) this.o.events.transferred(call, target);
        else if (res.status >= 300) call.transfer?.done(false);
      });
    });
  }

  /** Ends a call: BYE when it is up, a decline while an inbound call rings. */
  hangup(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    if (call.state === 'up' && call.dialog) {
      this.transport.request(inDialog(call.dialog, this.transport, 'BYE'), call.dialog.next, () => {});
      this.o.events.hungUp(callId);
    } else if (call.direction === 'inbound') {
      this.transport.respond(call.invite, 603, { toTag: call.localTag });
      this.o.events.declined(callId);
    } else {
      return this.ringTimeout(call, true);
    }
    this.end(call);
  }

  async close(): Promise<void> {
    for (const call of [...this.calls.values()]) this.end(call);
    await this.transport.close();
  }

  private onRequest(req: SipRequest, from: Peer): void {
    const callId = header(req.headers, 'call-id')!;
    const call = this.calls.get(callId);
    if (req.method === 'INVITE' && !param(header(req.headers, 'to')!, 'tag')) return void this.onInvite(req, from, call);
    if (req.method === 'OPTIONS') return void this.transport.respond(req, 200, { headers: [['allow', allow]] });
    if (req.method === 'CANCEL') return this.onCancel(req, call);
    if (!call?.dialog || !isOfDialog(call.dialog, req)) {
      if (req.method !== 'ACK') this.transport.respond(req, allow.includes(req.method) ? 481 : 405, { headers: [['allow', allow]] });
      return;
    }
    switch (req.method) {
      case 'ACK':
        return this.onAck(call, req);
      case 'BYE':
        this.transport.respond(req, 200);
        if (call.queued) this.o.events.abandonedInQueue(call.callId, call.queued.since);
        else this.o.events.hungUp(call.callId);
        return this.end(call);
      case 'INFO':
        return this.onInfo(call, req);
      case 'NOTIFY':
        return this.onNotify(call, req);
      case 'INVITE': // a re-INVITE (hold, refresh): same media as before
        return void this.transport.respond(req, 200, {
          body: buildSdp(this.transport.local.address, call.media.address().port),
          headers: [this.contact()],
        });
      default:
        this.transport.respond(req, 405, { headers: [['allow', allow]] });
    }
  }

  private async onInvite(req: SipRequest, from: Peer, existing: Call | undefined): Promise<void> {
    if (existing) return void this.transport.respond(req, 486); // another copy of a call we have
    const offer = req.body ? parseSdp(req.body) : null;
    if (req.body && !offer) return void this.transport.respond(req, 488);
    this.transport.respond(req, 100);
    const media = await this.withMedia();
    const localTag = newTag();
    const call = this.addCall({
      callId: header(req.headers, 'call-id')!,
      caller: userOf(header(req.headers, 'from')!),
      called: userOf(req.uri),
      invite: req,
      media,
    });
    call.localTag = localTag;
    call.dialog = dialogAsCallee(req, localTag, from);
    this.o.events.offered(call);
    this.transport.respond(req, 180, { toTag: localTag, headers: [this.contact()] });
    call.timer = setTimeout(() => {
      const answer = buildSdp(this.transport.local.address, media.address().port, offer?.telephoneEvent ?? defaultTelephoneEvent);
      call.state = 'up';
      this.transport.respond(req, 200, { toTag: localTag, body: answer, headers: [this.contact(), ['allow', allow]] });
    }, this.o.ringMs);
    media.on('message', (packet) => {
      const event = parseRtpEvent(packet, offer?.telephoneEvent ?? defaultTelephoneEvent);
      // One key press arrives as several packets sharing its RTP timestamp.
      if (event && event.timestamp !== call.lastDtmf) {
        call.lastDtmf = event.timestamp;
        this.onKey(call, event.key);
      }
    });
  }

  private onCancel(req: SipRequest, call: Call | undefined): void {
    const branch = (r: SipRequest) => param(header(r.headers, 'via')!, 'branch');
    if (!call || call.direction !== 'inbound' || branch(call.invite) !== branch(req)) return void this.transport.respond(req, 481);
    this.transport.respond(req, 200);
    if (call.state !== 'ringing') return; // already answered: the caller will send BYE
    this.transport.respond(call.invite, 487, { toTag: call.localTag });
    this.o.events.cancelled(call.callId, call.startedAt);
    this.end(call);
  }

  private onAck(call: Call, req: SipRequest): void {
    if (parseCSeq(header(req.headers, 'cseq')!)!.seq === parseCSeq(header(call.invite.headers, 'cseq')!)!.seq)
      this.transport.confirmed(call.invite);
  }

  private onInfo(call: Call, req: SipRequest): void {
    const type = header(req.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/dtmf-relay') return void this.transport.respond(req, req.body ? 415 : 200);
    const key = parseDtmfRelay(req.body);
    this.transport.respond(req, key ? 200 : 400);
    if (key) this.onKey(call, key);
  }

  private onKey(call: Call, key: string): void {
    if (call.state !== 'up' || call.queued) return;
    const ivr = this.o.ivr(call.called);
    this.o.events.dtmf(call.callId, ivr.menu, key);
    const target = ivr.transfers[key];
    if (target) return void this.transfer(call.callId, target);
    const queue = ivr.queues?.[key];
    if (queue) this.enqueue(call, queue, ivr.priorityOf?.(call.caller) ?? 'normal');
  }

  private enqueue(call: Call, queue: string, priority: QueuePriority): void {
    const waiting = this.queues.get(queue) ?? [];
    this.queues.set(queue, waiting);
    const position = joinQueue(waiting, call, priority, (c) => c.queued!.priority);
    call.queued = { queue, since: Date.now(), priority };
    this.o.events.queued(call.callId, queue, position, priority);
  }

  /** The transferee's progress on our REFER (a message/sipfrag status line). */
  private onNotify(call: Call, req: SipRequest): void {
    this.transport.respond(req, 200);
    const status = Number(/^SIP\/2\.0 (\d{3})/.exec(req.body.trim())?.[1]);
    if (!call.transfer || !status || status < 200) return;
    if (status >= 300) return call.transfer.done(false);
    call.transfer.done(true);
    this.transport.request(inDialog(call.dialog!, this.transport, 'BYE'), call.dialog!.next, () => {});
    this.o.events.transferCompleted(call.callId);
    this.end(call);
  }

  private outboundAnswered(call: Call, ok: SipResponse, pbx: Peer): void {
    if (call.dialog) {
      // a repeated 2xx: our ACK was lost
      return this.transport.send(inDialog(call.dialog, this.transport, 'ACK', [], '', 1), call.dialog.next);
    }
    call.dialog = dialogAsCaller(call.invite, ok, pbx);
    this.transport.send(inDialog(call.dialog, this.transport, 'ACK', [], '', 1), call.dialog.next);
    if (call.state === 'ended') {
      // answered as we gave up ringing: hang up at once
      this.transport.request(inDialog(call.dialog, this.transport, 'BYE'), call.dialog.next, () => {});
      return;
    }
    clearTimeout(call.timer);
    call.state = 'up';
    this.o.events.answered(call.callId);
    call.settle?.('answered');
  }

  private outboundFailed(call: Call, status: number): void {
    if (call.state === 'ended' && !call.cancelled) return;
    const outcome = call.cancelled ? 'no-answer' : outcomeOf(status);
    if (outcome === 'answered') return;
    this.o.events.failed(call.callId, outcome);
    call.settle?.(outcome);
    this.end(call);
  }

  /** Nobody answered in time: CANCEL if the callee is ringing; if it never even answered 100, give up. */
  private ringTimeout(call: Call, ringing: boolean): void {
    if (call.state !== 'ringing') return;
    if (!ringing) {
      this.transport.abandon(call.invite);
      return this.outboundFailed(call, 503);
    }
    call.cancelled = true;
    const invite = call.invite;
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: invite.uri,
      body: '',
      headers: new Map(['via', 'max-forwards', 'from', 'to', 'call-id'].map((h) => [h, [header(invite.headers, h)!]])),
    };
    cancel.headers.set('cseq', [`${parseCSeq(header(invite.headers, 'cseq')!)!.seq} CANCEL`]);
    this.transport.request(cancel, this.o.pbx!, () => {});
    // The 487 settles it; if it never comes, the call is over anyway.
    call.timer = setTimeout(() => this.outboundFailed(call, 487), 32_000).unref();
  }

  private addCall(c: CallParties & Pick<Call, 'invite' | 'media' | 'settle'>): Call {
    const call: Call = {
      ...c,
      direction: c.settle ? 'outbound' : 'inbound',
      state: 'ringing',
      dialog: null,
      lastDtmf: null,
      startedAt: Date.now(),
    };
    this.calls.set(c.callId, call);
    return call;
  }

  private end(call: Call): void {
    if (call.state === 'ended' && !this.calls.has(call.callId)) return;
    call.state = 'ended';
    clearTimeout(call.timer);
    call.transfer?.done(false);
    if (call.queued)
      this.queues.set(
        call.queued.queue,
        this.queues.get(call.queued.queue)!.filter((c) => c !== call),
      );
    call.media.close();
    this.calls.delete(call.callId);
  }

  private contact(): [string, string] {
    return ['contact', `<sip:sportello@${this.transport.local.address}:${this.transport.local.port}>`];
  }

  /** The RTP port of a call, on our address: where RFC 4733 DTMF arrives. */
  private withMedia(): Promise<dgram.Socket> {
    const socket = dgram.createSocket('udp4');
    socket.on('error', (err) => this.o.log.warn({ err }, 'RTP socket error'));
    return new Promise((resolve) => socket.bind(0, this.transport.local.address, () => resolve(socket)));
  }
}
