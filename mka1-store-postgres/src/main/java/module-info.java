/** Job state on PostgreSQL: a {@code JobStore} and {@code JobLeases} shared by every server of a deployment. */
module com.mka1.store.postgres {
    requires com.mka1.core;
    requires java.sql;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports com.mka1.store.postgres;
}
