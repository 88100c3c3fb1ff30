package io.switchgate.tlv;

import java.util.Arrays;
import java.util.List;

/** One BER-TLV data object: a tag (up to 4 bytes, as an int, e.g. {@code 0x9F26}) and its value bytes. Immutable. */
public final class TlvItem {
    private final int tag;
    private final byte[] value;

    public TlvItem(int tag, byte[] value) {
        Tlv.checkTag(tag);
        this.tag = tag;
        this.value = value.clone();
    }

    /** @param tagHex the tag as hex, e.g. "9F26" */
    public TlvItem(String tagHex, byte[] value) {
        this(Tlv.parseTag(tagHex), value);
    }

    public int tag() {
        return tag;
    }

    /** The tag as uppercase hex, e.g. "9F26". */
    public String tagHex() {
        return Tlv.tagHex(tag);
    }

    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** Value as uppercase hex. */
    public String valueHex() {
        return Tlv.hex(value);
    }

    /** True for a constructed object (bit 6 of the first tag byte), whose value is itself TLV. */
    public boolean isConstructed() {
        return Tlv.isConstructed(tag);
    }

    /** The nested objects of a constructed object. */
    public List<TlvItem> children() {
        return Tlv.parse(value);
    }

    /** Name of the tag if it is a common EMV tag, else null. */
    public String name() {
        return EmvTags.name(tag);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlvItem && ((TlvItem) o).tag == tag && Arrays.equals(((TlvItem) o).value, value);
    }

    @Override
    public int hashCode() {
        return tag * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return tagHex() + "[" + value.length + "]";
    }
}
