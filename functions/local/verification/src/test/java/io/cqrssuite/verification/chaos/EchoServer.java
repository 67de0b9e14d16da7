package io.cqrssuite.verification.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP upstream for the proxy's own tests: echoes what each connection sends and reports how each connection
 * ended ({@code "eof"} or {@code "reset"}), so a test can tell an RST from a FIN on the server's side.
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final BlockingQueue<String> endings = new LinkedBlockingQueue<>();

  EchoServer() throws IOException {
    server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** How the next connection to end ended: {@code eof}, {@code reset} or {@code error: ...}. */
  String nextEnding() throws InterruptedException {
    String ending = endings.poll(5, TimeUnit.SECONDS);
    if (ending == null) {
      throw new AssertionError("no upstream connection ended within 5 s");
    }
    return ending;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        threads.execute(() -> echo(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
      }
      endings.add("eof");
    } catch (SocketException e) {
      endings.add(String.valueOf(e.getMessage()).toLowerCase().contains("reset") ? "reset" : "error: " + e);
    } catch (IOException e) {
      endings.add("error: " + e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
