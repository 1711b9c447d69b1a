import dgram from 'node:dgram';
import type { QueuePriority } from '../../domain/line.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallOutcome } from '../../domain/dialer.ts';
import { type CallParties, outcomeOf, type SipCallEvents } from './call-events.ts';
import { type Dialog, dialogAsCallee, dialogAsCaller, inDialog, isOfDialog } from './dialog.ts';
import { parseDtmfRelay, parseRtpEvent } from './dtmf.ts';
import { header, param, parseCSeq, parseUri, type SipRequest, type SipResponse } from './message.ts';
import { buildSdp, defaultTelephoneEvent, parseSdp } from './sdp.ts';
import { newBranch, newTag, type Peer, SipTransport, type SipTransportProtocol } from './transport.ts';
import { DigestClient } from './digest.ts';
import { type RegistrationOptions, SipRegistration } from './registration.ts';
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
  /** Where a caller whose transfer was refused waits for an operator; unset: the first of `queues`, else the caller stays in the menu. */
  fallbackQueue?: string;
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
  /** Our SIP user: the user part of our Contact, of the address we register, and the name we authenticate with. Default `sportello`. */
  user?: string;
  /** With `user`: the answer to 401/407 challenges on every request we send. */
  password?: string;
  /** Register `user` there and keep the binding fresh. */
  registrar?: Peer & Pick<RegistrationOptions, 'expires' | 'domain'>;
  /** Incoming messages larger than this are refused (513) or dropped. */
  maxMessageBytes?: number;
  /** SIP over UDP (default) or TCP, for everything we send and receive. */
  protocol?: SipTransportProtocol;
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
  /** `accepted`: the REFER got its 2xx, so a leg to the target exists. */
  transfer?: { target: string; accepted: boolean; done: (ok: boolean) => void };
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
  private readonly registrar: SipRegistration | null;
  private closed = false;

  private constructor(
    private readonly transport: SipTransport,
    private readonly o: SipUserAgentOptions,
  ) {
    transport.onRequest = (req, from) => this.onRequest(req, from);
    const r = o.registrar;
    this.registrar = r
      ? new SipRegistration(
          transport,
          { registrar: { address: r.address, port: r.port }, domain: r.domain, expires: r.expires, user: transport.contactUser },
          o.log,
        )
      : null;
    this.registrar?.start();
  }

  static async start(o: SipUserAgentOptions): Promise<SipUserAgent> {
    const credentials = o.user && o.password ? { username: o.user, password: o.password } : null;
    const transport = await SipTransport.bind(o.bind.address, o.bind.port, o.log, {
      auth: new DigestClient(credentials),
      contactUser: o.user,
      maxMessageBytes: o.maxMessageBytes,
      protocol: o.protocol,
    });
    return new SipUserAgent(transport, o);
  }

  /** Our binding at the registrar; null when we do not register. */
  get registration(): SipRegistration | null {
    return this.registrar;
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
              ['contact', [this.transport.contact]],
              ['allow', [allow]],
              ['content-type', ['application/sdp']],
            ]),
          };
          const call = this.addCall({ callId, caller: this.o.callerId, called: to, invite, media, settle: resolve });
          this.o.events.dialled(call, linkedCallId);
          let ringing = false;
          call.timer = setTimeout(() => this.ringTimeout(call, ringing), ringSeconds * 1000);
          this.transport.request(invite, pbx, (res, sent) => {
            call.invite = sent; // after a 401/407: the INVITE with credentials, which a CANCEL and the ACK must match
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
        accepted: false,
        done: (ok) => {
          call.transfer = undefined;
          done(ok);
        },
      };
      const refer = inDialog(call.dialog!, this.transport, 'REFER', [
        ['refer-to', `<sip:${target}@${host.address}:${host.port}>`],
        ['referred-by', `<sip:${this.o.callerId}@${local.address}:${local.port}>`],
      ]);
      this.inDialogRequest(call, refer, (res) => {
        if (res.status === 202 || res.status === 200) {
          call.transfer!.accepted = true;
          this.o.events.transferred(call, target);
        } else if (res.status >= 300) this.transferRefused(call, res.status);
      });
    });
  }

  /** Ends a call: BYE when it is up, a decline while an inbound call rings. */
  hangup(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    if (call.state === 'up' && call.dialog) {
      this.inDialogRequest(call, inDialog(call.dialog, this.transport, 'BYE'));
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
    if (this.closed) return;
    this.closed = true;
    for (const call of [...this.calls.values()]) this.end(call);
    await this.registrar?.stop();
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
      called: this.calledOf(req),
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
      this.transport.respond(req, 200, {
        toTag: localTag,
        body: answer,
        headers: [this.contact(), ['allow', allow]],
        onUnacknowledged: () => this.unconfirmed(call),
      });
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

  /** Our 200 was never acknowledged: the caller is not there (RFC 3261 §13.3.1.4), so BYE and record the call as failed. */
  private unconfirmed(call: Call): void {
    if (this.calls.get(call.callId) !== call || !call.dialog) return;
    this.o.log.warn({ callId: call.callId }, 'no ACK for our 200 OK: ending the call');
    this.inDialogRequest(call, inDialog(call.dialog, this.transport, 'BYE'));
    this.o.events.unconfirmed(call.callId);
    this.end(call);
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
    if (status >= 300) return this.transferRefused(call, status);
    call.transfer.done(true);
    this.inDialogRequest(call, inDialog(call.dialog!, this.transport, 'BYE'));
    this.o.events.transferCompleted(call.callId);
    this.end(call);
  }

  /** A refused transfer (RFC 3515 §2.4.4/§2.4.5): recorded, and the caller, still ours, waits for an operator instead. */
  private transferRefused(call: Call, status: number): void {
    const transfer = call.transfer;
    if (!transfer || this.calls.get(call.callId) !== call) return;
    this.o.log.warn({ callId: call.callId, status }, 'transfer refused');
    this.o.events.transferFailed(call, transfer.target, status, transfer.accepted);
    transfer.done(false);
    const ivr = this.o.ivr(call.called);
    const queue = ivr.fallbackQueue ?? Object.values(ivr.queues ?? {})[0];
    if (queue && !call.queued) this.enqueue(call, queue, ivr.priorityOf?.(call.caller) ?? 'normal');
  }

  private outboundAnswered(call: Call, ok: SipResponse, pbx: Peer): void {
    if (call.dialog) {
      // a repeated 2xx: our ACK was lost
      return this.transport.send(this.ackOf(call), call.dialog.next);
    }
    call.dialog = dialogAsCaller(call.invite, ok, pbx);
    this.transport.send(this.ackOf(call), call.dialog.next);
    if (call.state === 'ended') {
      // answered as we gave up ringing: hang up at once
      this.inDialogRequest(call, inDialog(call.dialog, this.transport, 'BYE'));
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

  /**
   * The number dialled: the Request-URI's user, unless a registrar routed the call to our
   * registered address — then the Request-URI is our Contact and the number is in To.
   */
  private calledOf(invite: SipRequest): string {
    const target = userOf(invite.uri);
    return this.registrar && target === this.transport.contactUser ? userOf(header(invite.headers, 'to')!) : target;
  }

  private contact(): [string, string] {
    return ['contact', this.transport.contact];
  }

  /** The ACK of a 2xx to our INVITE: the INVITE's CSeq and the credentials it carried (RFC 3261 §13.2.2.4, §22.1). */
  private ackOf(call: Call): SipRequest {
    const auth = ['authorization', 'proxy-authorization'].flatMap((h) =>
      (call.invite.headers.get(h) ?? []).map((v) => [h, v] as [string, string]),
    );
    return inDialog(call.dialog!, this.transport, 'ACK', auth, '', parseCSeq(header(call.invite.headers, 'cseq')!)!.seq);
  }

  /** A request in the call's dialog; a retry with credentials took the next CSeq, which the dialog's next request must pass. */
  private inDialogRequest(call: Call, req: SipRequest, onResponse: (res: SipResponse) => void = () => {}): void {
    const dialog = call.dialog!;
    this.transport.request(req, dialog.next, (res, sent) => {
      dialog.localSeq = Math.max(dialog.localSeq, parseCSeq(header(sent.headers, 'cseq')!)!.seq);
      onResponse(res);
    });
  }

  /** The RTP port of a call, on our address: where RFC 4733 DTMF arrives. */
  private withMedia(): Promise<dgram.Socket> {
    const socket = dgram.createSocket('udp4');
    socket.on('error', (err) => this.o.log.warn({ err }, 'RTP socket error'));
    return new Promise((resolve) => socket.bind(0, this.transport.local.address, () => resolve(socket)));
  }
}
