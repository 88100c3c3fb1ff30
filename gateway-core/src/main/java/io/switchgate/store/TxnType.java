package io.switchgate.store;

/** What a journaled request was. */
public enum TxnType { SALE, BALANCE, REFUND, VOID, REVERSAL, SETTLEMENT, ECHO, SIGNON }
