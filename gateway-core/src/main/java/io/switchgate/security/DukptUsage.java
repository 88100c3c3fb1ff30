package io.switchgate.security;

/**
 * What a DUKPT working key is for.
 *
 * <p>TDES (ANSI X9.24-1:2009) variants of the transaction key: PIN {@code 00..FF} per half,
 * MAC request {@code 0000..FF00}, MAC response {@code 00000000FF000000}, data request
 * {@code 0000000000FF0000} and data response {@code 000000FF00000000}, the two data variants followed
 * by the one-way step (each half TDES-encrypted under the variant key).
 *
 * <p>AES (ANSI X9.24-3-2017) key usage indicators: PIN {@code 1000} (PIN encryption), MAC request
 * {@code 2000} (MAC generation, what the terminal uses for a request), MAC response {@code 2001}
 * (MAC verification, what the terminal uses for a response), data request {@code 3000} (encrypt),
 * data response {@code 3001} (decrypt).
 */
public enum DukptUsage {
    PIN, MAC_REQUEST, MAC_RESPONSE, DATA_REQUEST, DATA_RESPONSE;

    /** The role a derived key has in the module. */
    public KeyType keyType() {
        return switch (this) {
            case PIN -> KeyType.TPK;
            case MAC_REQUEST, MAC_RESPONSE -> KeyType.TAK;
            case DATA_REQUEST, DATA_RESPONSE -> KeyType.DATA;
        };
    }
}
