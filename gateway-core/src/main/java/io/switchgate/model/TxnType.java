package io.switchgate.model;

/** What a journaled request was. */
public enum TxnType { SALE, BALANCE, REFUND, VOID, REVERSAL, SETTLEMENT, ECHO, SIGNON }
