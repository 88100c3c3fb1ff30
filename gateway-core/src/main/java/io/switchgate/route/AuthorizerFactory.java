package io.switchgate.route;

import io.switchgate.config.GatewayConfig;
import io.switchgate.security.SecurityModule;
import io.switchgate.store.TransactionStore;

import java.util.List;

/**
 * Builds the upstream-host authorizers when the gateway starts (the server module supplies one that
 * makes Netty host clients; embedding programs may supply their own). Each must be named after its
 * {@code hosts[].name}. Host authorizers that hold connections should implement {@link AutoCloseable}.
 */
@FunctionalInterface
public interface AuthorizerFactory {

    List<Authorizer> create(GatewayConfig config, SecurityModule security, TransactionStore store);

    AuthorizerFactory NONE = (config, security, store) -> List.of();
}
