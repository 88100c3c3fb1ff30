package io.switchgate.iso;

/**
 * Which version of ISO 8583 a dialect lays its fields out by, read from its DE 12: 12 digits (YYMMDDhhmmss, ISO
 * 8583:1993, e.g. {@code iso93binary}) or 6 (hhmmss, ISO 8583:1987, e.g. {@code iso87binary}). A few fields mean
 * something else in the two (DE 12, 13, 22 and 25 among them), so what builds or translates them asks this first.
 */
public enum IsoLayout {
    Y1987, Y1993, OTHER;

    public static IsoLayout of(Dialect d) {
        FieldSpec de12 = d == null ? null : d.field(12);
        if (de12 == null || !de12.isFixed()) return OTHER;
        return de12.maxLength() == 12 ? Y1993 : de12.maxLength() == 6 ? Y1987 : OTHER;
    }
}
