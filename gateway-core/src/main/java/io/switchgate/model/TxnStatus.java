package io.switchgate.model;

/** Where a journaled transaction stands now. A sale starts APPROVED and may become REVERSED or VOIDED. */
public enum TxnStatus { APPROVED, DECLINED, REVERSED, VOIDED }
