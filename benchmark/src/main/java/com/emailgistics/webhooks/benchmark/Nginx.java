package com.emailgistics.webhooks.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * nginx from the Debian package as a plain reverse proxy to the receiver: HTTP in on loopback,
 * HTTPS out to the receiver with its CA trusted and the certificate verified, upstream connections
 * kept alive and TLS sessions reused. Every request goes to the receiver's {@code /fast}.
 */
final class Nginx implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path config;

  private Nginx(Process process, int port, Path config) {
    this.process = process;
    this.port = port;
    this.config = config;
  }

  static Nginx start(Path workDir, int receiverPort, Path receiverCa, String workers)
      throws Exception {
    Path dir = workDir.resolve("nginx");
    Files.createDirectories(dir.resolve("temp"));
    int port = ChildJvm.freePort();
    String conf =
        """
        # Written by the Emailgistics benchmark: nginx as a plain reverse proxy to the HTTPS receiver.
        worker_processes %s;
        worker_rlimit_nofile 40000;
        pid %s/nginx.pid;
        error_log %s/error.log warn;
        daemon off;
        events {
          worker_connections 16384;
        }
        http {
          access_log off;
          client_body_temp_path %s/temp/body;
          proxy_temp_path %s/temp/proxy;
          fastcgi_temp_path %s/temp/fastcgi;
          uwsgi_temp_path %s/temp/uwsgi;
          scgi_temp_path %s/temp/scgi;
          # Like the JDK client and server on the dispatch path: no cap on requests per connection.
          keepalive_requests 1000000;

          upstream receiver {
            server 127.0.0.1:%d;
            keepalive 128;
            keepalive_requests 1000000;
          }

          server {
            listen 127.0.0.1:%d backlog=8192;
            location / {
              rewrite ^ /fast break;
              proxy_pass https://receiver;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_ssl_protocols TLSv1.2 TLSv1.3;
              proxy_ssl_trusted_certificate %s;
              proxy_ssl_verify on;
              proxy_ssl_verify_depth 2;
              proxy_ssl_name localhost;
              proxy_ssl_server_name on;
              proxy_ssl_session_reuse on;
            }
          }
        }
        """
            .formatted(
                workers,
                dir,
                dir,
                dir,
                dir,
                dir,
                dir,
                dir,
                receiverPort,
                port,
                receiverCa.toAbsolutePath());
    Path config = dir.resolve("nginx.conf");
    Files.writeString(config, conf);
    // Workers switch to an unprivileged user when started as root: they must read the CA file.
    receiverCa.toFile().setReadable(true, false);
    Path log = dir.resolve("stdout.log");
    Process process =
        ChildJvm.start(
            List.of(
                "nginx",
                "-p",
                dir.toString(),
                "-e",
                dir.resolve("error.log").toString(),
                "-c",
                config.toString()),
            Map.of(),
            log);
    ChildJvm.awaitPort(port, process, Duration.ofSeconds(20), log);
    return new Nginx(process, port, config);
  }

  int port() {
    return port;
  }

  Path config() {
    return config;
  }

  /** The master and its workers. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    process.toHandle().descendants().forEach(child -> pids.add(child.pid()));
    return pids;
  }

  static String version() {
    try {
      return ChildJvm.run(List.of("nginx", "-v"), Duration.ofSeconds(10)).trim();
    } catch (Exception e) {
      return "nginx (version unknown: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    // SIGTERM is nginx's fast shutdown.
    ChildJvm.stop(process, Duration.ofSeconds(10));
  }
}
