package io.crm.store;

import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoThreadFactory;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.MongoExceptionHandler;
import de.bwaldvogel.mongo.wire.MongoWireMessageEncoder;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import de.bwaldvogel.mongo.wire.MongoWireReplyEncoder;

/**
 * mongo-java-server's wire protocol on a Unix domain socket. {@code MongoServer.bind(SocketAddress)} always opens a
 * TCP channel (NioServerSocketChannel, an initializer typed to SocketChannel), so this binds Netty 4.2's NIO domain
 * socket channel (JDK 16+ {@link UnixDomainSocketAddress}) itself, with the same pipeline MongoServer builds and the
 * same shutdown order (stop accepting, close the event loops, then close the backend, which flushes the MVStore).
 */
final class DomainSocketServer {

    private final MongoBackend backend;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel channel;

    private DomainSocketServer(MongoBackend backend, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
            Channel channel) {
        this.backend = backend;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.channel = channel;
    }

    static DomainSocketServer bind(MongoBackend backend, UnixDomainSocketAddress address) {
        // Thread counts and names as MongoServer.bind(address) has them (0 = Netty's default, 2 x cores).
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(0, new MongoThreadFactory("mongo-server-boss"),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new MongoThreadFactory("mongo-server-worker"),
                NioIoHandler.newFactory());
        ChannelGroup clients = new DefaultChannelGroup("mongodb-channels", workers.next());
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerDomainSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 100)
                    .localAddress(address)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new MongoWireReplyEncoder());
                            ch.pipeline().addLast(new MongoWireMessageEncoder());
                            ch.pipeline().addLast(new MongoWireProtocolHandler());
                            ch.pipeline().addLast(new MongoDatabaseHandler(backend, clients));
                            ch.pipeline().addLast(new MongoExceptionHandler());
                        }
                    })
                    .bind()
                    .syncUninterruptibly()
                    .channel();
            return new DomainSocketServer(backend, boss, workers, channel);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    void shutdown() {
        channel.close().syncUninterruptibly();
        // The quiet period and timeout MongoServer.shutdown() uses.
        bossGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        bossGroup.terminationFuture().syncUninterruptibly();
        workerGroup.terminationFuture().syncUninterruptibly();
        backend.close();
    }
}
