package io.switchgate.tlv;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * BER-TLV (ISO/IEC 8825, as EMV uses it in DE 55): parse and build. Tags of up to 4 bytes, definite lengths of up
 * to 4 length bytes. 0x00 filler bytes between objects are skipped, as EMV Book 3 allows. Malformed input raises
 * {@link TlvException}, never an index exception.
 */
public final class Tlv {
    private Tlv() {}

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Parses a sequence of top-level data objects. */
    public static List<TlvItem> parse(byte[] data) {
        if (data == null) throw new TlvException(0, "no data");
        return parse(data, 0, data.length);
    }

    public static List<TlvItem> parse(byte[] data, int offset, int length) {
        if (data == null) throw new TlvException(0, "no data");
        if (offset < 0 || length < 0 || offset > data.length - length) throw new TlvException(0, "offset/length outside the array");
        List<TlvItem> out = new ArrayList<>();
        int end = offset + length;
        int pos = offset;
        while (pos < end) {
            if (data[pos] == 0x00) { // filler
                pos++;
                continue;
            }
            int start = pos;
            // tag
            int first = data[pos++] & 0xFF;
            int tag = first;
            if ((first & 0x1F) == 0x1F) {
                int n = 0;
                int b;
                do {
                    if (pos >= end) throw new TlvException(start - offset, "truncated tag");
                    if (++n > 3) throw new TlvException(start - offset, "tag longer than 4 bytes");
                    b = data[pos++] & 0xFF;
                    tag = (tag << 8) | b;
                } while ((b & 0x80) != 0);
            }
            // length
            if (pos >= end) throw new TlvException(start - offset, "truncated length of tag " + tagHex(tag));
            int l = data[pos++] & 0xFF;
            int len;
            if (l < 0x80) {
                len = l;
            } else {
                int nb = l & 0x7F;
                if (nb == 0) throw new TlvException(pos - 1 - offset, "indefinite length not allowed (tag " + tagHex(tag) + ")");
                if (nb > 4) throw new TlvException(pos - 1 - offset, "length of tag " + tagHex(tag) + " uses more than 4 bytes");
                if (end - pos < nb) throw new TlvException(pos - 1 - offset, "truncated length of tag " + tagHex(tag));
                long v = 0;
                for (int i = 0; i < nb; i++) v = (v << 8) | (data[pos++] & 0xFF);
                if (v > Integer.MAX_VALUE) throw new TlvException(pos - offset, "length of tag " + tagHex(tag) + " too large");
                len = (int) v;
            }
            if (end - pos < len) {
                throw new TlvException(start - offset, "tag " + tagHex(tag) + " needs " + len + " bytes, " + (end - pos) + " left");
            }
            byte[] value = new byte[len];
            System.arraycopy(data, pos, value, 0, len);
            pos += len;
            out.add(new TlvItem(tag, value));
        }
        return Collections.unmodifiableList(out);
    }

    /** Encodes the objects in order (minimal length encoding). */
    public static byte[] build(List<TlvItem> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TlvItem it : items) writeTo(out, it.tag(), it.value());
        return out.toByteArray();
    }

    public static byte[] build(TlvItem... items) {
        return build(List.of(items));
    }

    /** The first object with the tag, or null. */
    public static TlvItem find(List<TlvItem> items, int tag) {
        for (TlvItem it : items) if (it.tag() == tag) return it;
        return null;
    }

    private static void writeTo(ByteArrayOutputStream out, int tag, byte[] v) {
        int tb = tagBytes(tag);
        for (int i = tb - 1; i >= 0; i--) out.write(tag >>> (8 * i));
        int len = v.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len <= 0xFF) {
            out.write(0x81);
            out.write(len);
        } else if (len <= 0xFFFF) {
            out.write(0x82);
            out.write(len >>> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >>> 16);
            out.write(len >>> 8);
            out.write(len);
        }
        out.write(v, 0, v.length);
    }

    static int tagBytes(int tag) {
        return (tag & 0xFF000000) != 0 ? 4 : (tag & 0xFF0000) != 0 ? 3 : (tag & 0xFF00) != 0 ? 2 : 1;
    }

    static boolean isConstructed(int tag) {
        int first = tag >>> (8 * (tagBytes(tag) - 1)) & 0xFF;
        return (first & 0x20) != 0;
    }

    /** Checks that the int is a well-formed BER tag (multi-byte form and continuation bits consistent). */
    static void checkTag(int tag) {
        int n = tagBytes(tag);
        int first = tag >>> (8 * (n - 1)) & 0xFF;
        if (n == 1) {
            if ((first & 0x1F) == 0x1F) throw new IllegalArgumentException("tag " + tagHex(tag) + " announces more tag bytes");
            return;
        }
        if ((first & 0x1F) != 0x1F) throw new IllegalArgumentException("tag " + tagHex(tag) + " is not a valid multi-byte tag");
        for (int i = n - 2; i >= 0; i--) {
            int b = tag >>> (8 * i) & 0xFF;
            boolean more = (b & 0x80) != 0;
            if (more != (i > 0)) throw new IllegalArgumentException("tag " + tagHex(tag) + " has inconsistent continuation bits");
        }
    }

    static int parseTag(String hex) {
        if (hex == null || hex.isEmpty() || hex.length() > 8 || (hex.length() & 1) != 0) {
            throw new IllegalArgumentException("tag must be 2 to 8 hex characters");
        }
        try {
            return (int) Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tag is not hex");
        }
    }

    static String tagHex(int tag) {
        int n = tagBytes(tag);
        char[] c = new char[n * 2];
        for (int i = 0; i < n; i++) {
            int b = tag >>> (8 * (n - 1 - i)) & 0xFF;
            c[2 * i] = HEX[b >>> 4];
            c[2 * i + 1] = HEX[b & 0xF];
        }
        return new String(c);
    }

    static String hex(byte[] b) {
        char[] c = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            c[2 * i] = HEX[(b[i] & 0xFF) >>> 4];
            c[2 * i + 1] = HEX[b[i] & 0xF];
        }
        return new String(c);
    }
}
