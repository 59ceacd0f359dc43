package com.emailgistics.webhooks.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Wraps a server-side socket factory so its sockets offer only the given TLS versions. */
final class RestrictedProtocols extends SSLSocketFactory {
  private final SSLSocketFactory delegate;
  private final String[] protocols;

  RestrictedProtocols(SSLSocketFactory delegate, String[] protocols) {
    this.delegate = delegate;
    this.protocols = protocols.clone();
  }

  private Socket restrict(Socket socket) {
    ((SSLSocket) socket).setEnabledProtocols(protocols);
    return socket;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose)
      throws IOException {
    return restrict(delegate.createSocket(s, host, port, autoClose));
  }

  @Override
  public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
    return restrict(delegate.createSocket(s, consumed, autoClose));
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return restrict(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return restrict(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return restrict(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return restrict(delegate.createSocket(address, port, localAddress, localPort));
  }
}
