package io.switchgate.tlv;

import java.util.Map;

/** Display names of common EMV data objects (EMV Book 3, Annex A). */
public final class EmvTags {
    private EmvTags() {}

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x4F, "Application Identifier (AID)"),
            Map.entry(0x50, "Application Label"),
            Map.entry(0x57, "Track 2 Equivalent Data"),
            Map.entry(0x5A, "Application PAN"),
            Map.entry(0x5F20, "Cardholder Name"),
            Map.entry(0x5F24, "Application Expiration Date"),
            Map.entry(0x5F25, "Application Effective Date"),
            Map.entry(0x5F28, "Issuer Country Code"),
            Map.entry(0x5F2A, "Transaction Currency Code"),
            Map.entry(0x5F34, "PAN Sequence Number"),
            Map.entry(0x71, "Issuer Script Template 1"),
            Map.entry(0x72, "Issuer Script Template 2"),
            Map.entry(0x82, "Application Interchange Profile"),
            Map.entry(0x84, "Dedicated File Name"),
            Map.entry(0x8A, "Authorisation Response Code"),
            Map.entry(0x91, "Issuer Authentication Data"),
            Map.entry(0x95, "Terminal Verification Results"),
            Map.entry(0x9A, "Transaction Date"),
            Map.entry(0x9B, "Transaction Status Information"),
            Map.entry(0x9C, "Transaction Type"),
            Map.entry(0x9F02, "Amount, Authorised"),
            Map.entry(0x9F03, "Amount, Other"),
            Map.entry(0x9F06, "Application Identifier (AID) - terminal"),
            Map.entry(0x9F07, "Application Usage Control"),
            Map.entry(0x9F08, "Application Version Number (card)"),
            Map.entry(0x9F09, "Application Version Number (terminal)"),
            Map.entry(0x9F10, "Issuer Application Data"),
            Map.entry(0x9F1A, "Terminal Country Code"),
            Map.entry(0x9F1E, "Interface Device Serial Number"),
            Map.entry(0x9F21, "Transaction Time"),
            Map.entry(0x9F26, "Application Cryptogram"),
            Map.entry(0x9F27, "Cryptogram Information Data"),
            Map.entry(0x9F33, "Terminal Capabilities"),
            Map.entry(0x9F34, "Cardholder Verification Method Results"),
            Map.entry(0x9F35, "Terminal Type"),
            Map.entry(0x9F36, "Application Transaction Counter"),
            Map.entry(0x9F37, "Unpredictable Number"),
            Map.entry(0x9F41, "Transaction Sequence Counter"),
            Map.entry(0x9F53, "Transaction Category Code"),
            Map.entry(0x9F63, "Card Product Identification"),
            Map.entry(0x9F6E, "Form Factor Indicator"),
            Map.entry(0xDF31, "Issuer Script Results"));

    /** The name of a common EMV tag, or null if it is not in the table. */
    public static String name(int tag) {
        return NAMES.get(tag);
    }

    /** @param tagHex e.g. "9F26" */
    public static String name(String tagHex) {
        try {
            return name(Tlv.parseTag(tagHex));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Number of tags known. */
    public static int size() {
        return NAMES.size();
    }
}
