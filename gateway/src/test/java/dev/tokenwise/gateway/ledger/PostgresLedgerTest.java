package dev.tokenwise.gateway.ledger;

import dev.tokenwise.gateway.config.LedgerConfig;
import dev.tokenwise.gateway.testing.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The ledger contract against a real PostgreSQL server started for this test class. */
class PostgresLedgerTest extends LedgerStoreContract {
    private static PostgresServer pg;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) pg.close();
    }

    @BeforeEach
    void emptyTable() throws Exception {
        try (LedgerStore s = open(LedgerConfig.defaults()); Connection c = s.dataSource().getConnection();
             Statement st = c.createStatement()) {
            st.execute("DELETE FROM requests");
        }
    }

    @Override
    LedgerStore open(LedgerConfig config) {
        return LedgerStore.open(config.withUrl(pg.jdbcUrl()), Path.of("unused"), k -> null);
    }
}
