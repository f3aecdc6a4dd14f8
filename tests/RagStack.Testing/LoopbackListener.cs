using System.Net;
using System.Net.Sockets;

namespace RagStack.Testing;

/// <summary>
/// Starts an <see cref="HttpListener"/> on 127.0.0.1 and a free port, for the test servers that stand in for real ones.
/// </summary>
public static class LoopbackListener
{
    /// <summary>The started listener and its base address (ending in <c>/</c>).</summary>
    public static (HttpListener Listener, Uri BaseAddress) Start()
    {
        // HttpListener cannot bind port 0, so borrow a free port from the OS; another process taking it in between is retried.
        for (var attempt = 0; ; attempt++)
        {
            var baseAddress = new Uri(ClosedAddress() + "/");
            var listener = new HttpListener();
            listener.Prefixes.Add(baseAddress.ToString());
            try
            {
                listener.Start();
                return (listener, baseAddress);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>
    /// <c>http://127.0.0.1:PORT</c> on a port the OS just handed out and nothing listens on now: a server that is down
    /// (a connection to it is refused), or a free port to bind.
    /// </summary>
    public static string ClosedAddress()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
