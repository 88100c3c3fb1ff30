/**
 * Payment security: the {@link io.switchgate.security.SecurityModule} interface the engine uses (shaped
 * like a payment HSM, so a network HSM adapter can replace the software one), and
 * {@link io.switchgate.security.SoftwareSecurityModule} on BouncyCastle's lightweight engines: key check
 * values, keys at rest under a master key, key exchange under KEKs (sign-on DE 48:
 * {@link io.switchgate.security.SignOnKeys}), ISO 9797-1 / X9.19 MACs and CMACs, ISO 9564 PIN blocks
 * (formats 0, 1, 3, 4) and translation, and DUKPT (ANSI X9.24-1 TDES, X9.24-3 AES).
 *
 * <p>Pure helpers over clear keys for tests, terminal simulators and load generators:
 * {@link io.switchgate.security.PinBlocks}, {@link io.switchgate.security.Macs},
 * {@link io.switchgate.security.X919Mac}, {@link io.switchgate.security.Kcv},
 * {@link io.switchgate.security.DukptTdes}, {@link io.switchgate.security.DukptAes}.
 * Design, conventions and key hierarchy: {@code docs/security.md}.
 */
package io.switchgate.security;
