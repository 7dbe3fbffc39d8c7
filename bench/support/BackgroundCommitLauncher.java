import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The embedded database launcher as it was before durable replies, kept for bench:durable only:
 * H2Backend on MVStore.open(file), whose background thread commits about once a second, so a
 * reply can come before its write is on disk.
 *
 * Starts mongo-java-server on a free loopback port and prints "LISTENING <port>".
 * Usage: java -cp <classpath> BackgroundCommitLauncher.java memory | h2 <data-file>
 * The server stops when its standard input closes, so a parent that dies (even by SIGKILL)
 * never leaves a JVM holding the data file.
 */
public class BackgroundCommitLauncher {
    public static void main(String[] args) throws Exception {
        boolean persistent = args.length > 1 && args[0].equals("h2");
        MongoBackend backend = persistent ? new H2Backend(args[1]) : new MemoryBackend();
        backend.version(ServerVersion.MONGO_5_0);
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            backend.close();
        }));
        System.out.println("LISTENING " + server.getLocalAddress().getPort());
        System.out.flush();
        while (System.in.read() != -1) {
            // The parent never writes; EOF means it is gone.
        }
        System.exit(0);
    }
}
