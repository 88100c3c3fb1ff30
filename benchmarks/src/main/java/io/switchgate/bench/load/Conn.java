package io.switchgate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.switchgate.iso.IsoException;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.MacAlgorithm;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** One load-generator connection; everything here runs on its event loop thread. */
final class Conn extends ChannelInboundHandlerAdapter {
    static final int SALE = 0, BALANCE = 1, REFUND = 2;
    static final String[] KIND = {"sale", "balance", "refund"};
    private static final byte[] TPDU = {0x60, 0x00, 0x01, 0x00, 0x00};

    /** An approved sale of this run, refundable once. */
    record Sale(String rrn, int pan, long amount) { }

    private static final class Pending {
        int kind, terminal, stan, pan;
        long amount, sentNanos;
        String de7;
    }

    private final LoadGen g;
    final int index;
    private final int[] owned;
    private int ownedPos;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final ArrayDeque<Pending> fifo = new ArrayDeque<>();
    private final boolean fifoMode;
    Channel channel;
    private long second = -1;
    private String de7, de12, de13;
    private long seq;

    Conn(LoadGen g, int index) {
        this.g = g;
        this.index = index;
        this.fifoMode = g.match.equals("fifo");
        int n = g.terminals, c = g.connections;
        int count = 0;
        for (int t = index; t < n; t += c) count++;
        if (count == 0) {
            owned = new int[]{index % n};
        } else {
            owned = new int[count];
            for (int k = 0, t = index; t < n; t += c) owned[k++] = t;
        }
    }

    void start() {
        for (int i = 0; i < g.pipeline; i++) send();
        channel.flush();
    }

    private void clock() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            second = now;
            LocalDateTime t = LocalDateTime.ofEpochSecond(now, 0, ZoneOffset.UTC);
            de13 = Ids.pad(t.getMonthValue(), 2) + Ids.pad(t.getDayOfMonth(), 2);
            de12 = Ids.pad(t.getHour(), 2) + Ids.pad(t.getMinute(), 2) + Ids.pad(t.getSecond(), 2);
            de7 = de13 + de12;
        }
    }

    private long nextAt;
    private int deferred;

    /** Sends now, or (with --rate) when this connection's next slot comes. */
    private void send() {
        if (g.rate <= 0) {
            sendNow();
            return;
        }
        long interval = (long) (g.connections * 1e9 / g.rate);
        long now = System.nanoTime();
        if (nextAt == 0) nextAt = now + (long) (interval * (index / (double) g.connections));
        long at = nextAt;
        nextAt = Math.max(at + interval, now - interval * 4L);
        if (at <= now) {
            sendNow();
        } else {
            deferred++;
            channel.eventLoop().schedule(() -> {
                deferred--;
                sendNow();
                channel.flush();
            }, at - now, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void sendNow() {
        if (!g.running || !channel.isActive()) return;
        clock();
        int total = g.wSale + g.wBalance + g.wRefund;
        int r = ThreadLocalRandom.current().nextInt(total);
        int kind = r < g.wSale ? SALE : r < g.wSale + g.wBalance ? BALANCE : REFUND;
        Sale orig = null;
        if (kind == REFUND) {
            orig = g.refundPool.poll();
            if (orig == null) {
                kind = SALE;
                g.refundsAsSales.increment();
            } else {
                g.refundPoolSize.decrementAndGet();
            }
        }
        Pending p = new Pending();
        p.kind = kind;
        p.terminal = owned[ownedPos];
        ownedPos = ownedPos + 1 == owned.length ? 0 : ownedPos + 1;
        p.stan = g.stans.updateAndGet(p.terminal, v -> v % 999_999 + 1);
        p.de7 = de7;
        long s = seq++;
        p.pan = orig != null ? orig.pan() : (int) ((index * 7919L + s) % g.panList.length);
        p.amount = kind == SALE ? 100 + (s * 31 + index) % 900 : kind == REFUND ? 1 : 0;

        IsoMessage m = new IsoMessage("0200");
        m.set(2, g.panList[p.pan]);
        m.set(3, kind == SALE ? "000000" : kind == BALANCE ? "310000" : "200000");
        if (kind != BALANCE) m.set(4, Ids.pad(p.amount, 12));
        m.set(7, de7);
        m.set(11, Ids.pad(p.stan, 6));
        m.set(12, de12);
        m.set(13, de13);
        m.set(14, "2812");
        m.set(22, g.pin && kind != REFUND ? "021" : "022");
        m.set(25, "00");
        if (orig != null) m.set(37, orig.rrn());
        m.set(41, g.terminalIds[p.terminal]);
        m.set(42, g.merchant);
        m.set(49, "156");
        if (g.pin && kind != REFUND) m.set(52, g.pinBlocks[p.pan]);
        if (g.mac) m.set(64, new byte[8]);
        byte[] b = g.d.pack(m);
        if (g.mac) {
            LoadGen.Macer mc = g.macers.get();
            byte[] mac = mc.sm.generateMac(mc.tak, MacAlgorithm.X919_RETAIL_PAD1, b, 0, b.length - 8);
            System.arraycopy(mac, 0, b, b.length - 8, 8);
        }
        int hdr = g.f.headerLength();
        ByteBuf out = channel.alloc().buffer(hdr + b.length);
        if (hdr > 0) out.writeBytes(TPDU);
        out.writeBytes(b);
        if (fifoMode) fifo.add(p);
        else pending.put(key(p.terminal, p.stan), p);
        g.inFlight.incrementAndGet();
        p.sentNanos = System.nanoTime();
        channel.write(out, channel.voidPromise());
    }

    private static long key(int terminal, int stan) {
        return terminal * 1_000_000L + stan;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        long now = System.nanoTime();
        byte[] r;
        try {
            in.skipBytes(Math.min(g.f.headerLength(), in.readableBytes()));
            r = new byte[in.readableBytes()];
            in.readBytes(r);
        } finally {
            in.release();
        }
        handle(r, now);
        send();
    }

    private void handle(byte[] r, long now) {
        IsoMessage resp;
        try {
            resp = g.d.unpack(r);
        } catch (IsoException e) {
            Pending p = fifoMode ? fifo.poll() : null;
            if (p != null) g.inFlight.decrementAndGet();
            g.addError("unparseable", "response that does not parse (" + e.getMessage() + "): " + hex(r));
            return;
        }
        Pending p;
        if (fifoMode) {
            p = fifo.poll();
        } else {
            Integer t = g.terminalIndex.get(resp.getString(41));
            String stan = resp.getString(11);
            p = null;
            if (t != null && stan != null && stan.length() == 6) {
                try {
                    p = pending.remove(key(t, Integer.parseInt(stan)));
                } catch (NumberFormatException ignored) {
                    // unmatched below
                }
            }
        }
        if (p == null) {
            g.addError("unmatched", "response matching no request in flight (DE 41 " + resp.getString(41) + ", DE 11 "
                    + resp.getString(11) + "): " + describe(resp));
            return;
        }
        g.inFlight.decrementAndGet();
        g.recorder.recordValue(Math.max(1, (now - p.sentNanos) / 1000));
        String what = KIND[p.kind] + " from " + g.terminalIds[p.terminal] + " STAN " + Ids.pad(p.stan, 6) + " DE 7 " + p.de7;
        if (!"0210".equals(resp.getMti())) {
            g.addError("mti-" + resp.getMti(), what + " answered with MTI " + resp.getMti() + ": " + describe(resp));
            return;
        }
        for (String[] e : g.expectations) {
            String v = resp.getString(Integer.parseInt(e[0]));
            if (!e[1].equals(v)) {
                g.addError("DE" + e[0] + "=" + v, what + ": expected DE " + e[0] + " = " + e[1] + ", got " + describe(resp));
                return;
            }
        }
        if (g.mac && g.verifyMac) {
            if (!resp.hasField(64) || r.length < 8) {
                g.addError("no-mac", what + ": response has no MAC: " + describe(resp));
                return;
            }
            LoadGen.Macer mc = g.macers.get();
            if (!mc.sm.verifyMac(mc.tak, MacAlgorithm.X919_RETAIL_PAD1, r, 0, r.length - 8, r, r.length - 8, 8)) {
                g.addError("bad-mac", what + ": response MAC does not verify: " + describe(resp));
                return;
            }
        }
        if (p.kind == SALE && g.wRefund > 0 && g.refundPoolSize.get() < 100_000 && "00".equals(resp.getString(39))) {
            String rrn = resp.getString(37);
            if (rrn != null) {
                g.refundPool.add(new Sale(rrn, p.pan, p.amount));
                g.refundPoolSize.incrementAndGet();
            }
        }
        g.ok.increment();
        (p.kind == SALE ? g.okSale : p.kind == BALANCE ? g.okBalance : g.okRefund).increment();
    }

    private static String describe(IsoMessage m) {
        StringBuilder sb = new StringBuilder("MTI ").append(m.getMti());
        for (int f : new int[]{3, 4, 11, 37, 39, 41, 44}) {
            if (m.hasField(f)) sb.append(" DE").append(f).append('=').append(m.getString(f));
        }
        return sb.toString();
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 64); i++) sb.append(String.format("%02X", b[i]));
        return sb.append(b.length > 64 ? "..." : "").toString();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /** Gives up on requests older than the timeout; each is an error, and a new request takes its place. */
    void expire() {
        long limit = System.nanoTime() - g.timeoutNanos;
        int expired = 0;
        if (fifoMode) {
            Pending p = fifo.peek();
            if (p != null && p.sentNanos < limit) {
                g.addError("timeout", KIND[p.kind] + " unanswered after " + g.timeout + " (fifo connection " + index + " closed)");
                channel.close();
            }
            return;
        }
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.sentNanos < limit) {
                it.remove();
                g.inFlight.decrementAndGet();
                g.addError("timeout", KIND[p.kind] + " from " + g.terminalIds[p.terminal] + " STAN " + Ids.pad(p.stan, 6)
                        + " unanswered after " + g.timeout);
                expired++;
            }
        }
        for (int i = 0; i < expired; i++) send();
        if (expired > 0) channel.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        int lost = fifoMode ? fifo.size() : pending.size();
        g.inFlight.addAndGet(-lost);
        pending.clear();
        fifo.clear();
        if (g.running) g.addError("connection-closed", "the server closed connection " + index + " with " + lost + " requests in flight");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (g.running) g.addError("exception", "connection " + index + ": " + cause);
        ctx.close();
    }
}
