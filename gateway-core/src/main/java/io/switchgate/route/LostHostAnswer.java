package io.switchgate.route;

/**
 * A terminal's request that was at a host when the gateway stopped, with no answer of it journaled: the host may have
 * approved it, so its reversal was released (and reaches the host), and the gateway journals the request itself as
 * answered {@code 91 HOST_ANSWER_LOST} under the RRN the host saw, before it serves. The terminal's retransmission then
 * gets that answer, not a second authorization at the host, and the RRN is the gateway's to show (a crash audit: after
 * a kill the retransmission was sent to the host as a new request and approved again, and the host's RRN was unknown).
 * What the duplicate check needs is carried as the engine made it ({@code dupKey}, {@code fingerprint}); no PAN.
 */
public record LostHostAnswer(String rrn, String host, String terminalId, String merchantId, String mti,
                             String processingCode, String stan, String transmissionTime, long amount, String currency,
                             String panHash, String maskedPan, String dupKey, String fingerprint, String originalRrn) {
}
