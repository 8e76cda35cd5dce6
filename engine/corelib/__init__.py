"""The offline io.murano core library and the simulated cloud."""
