package dev.tokenwise.gateway.keys;

/**
 * Spend and outstanding reservations per key and period, in nano-dollars (10^-9 USD) so that sums
 * are exact integers. Implementations make {@link #reserve} atomic: the check and the increment
 * happen as one step against every other reservation, in this process and in other replicas.
 */
public interface BudgetLedger {
    /** Spent and reserved amounts of one key in one period. */
    record Balance(long spentNanos, long reservedNanos) {
        public static final Balance EMPTY = new Balance(0, 0);
    }

    /**
     * Reserves {@code amountNanos} if {@code spent + reserved + amount <= limit}; false (and nothing
     * changed) otherwise.
     */
    boolean reserve(String keyId, String period, long limitNanos, long amountNanos);

    /** Ends a reservation: removes {@code reservedNanos} and adds {@code actualNanos} (0 to release). */
    void settle(String keyId, String period, long reservedNanos, long actualNanos);

    Balance balance(String keyId, String period);

    /**
     * Holds again, without a budget check, a reservation made by an earlier process, for work that
     * outlived a restart (a batch job) and will settle it here. Ledgers that keep reservations
     * where a restarted process finds them (a shared or persistent store) already hold it: nothing
     * to do. A ledger whose reservations live only in its process adds it back.
     */
    default void restore(String keyId, String period, long amountNanos) {}
}
