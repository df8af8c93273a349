using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("Braid")]
[assembly: AssemblyDescription("C# binding of braid's C ABI (libbraid)")]
[assembly: AssemblyVersion("0.1.0.0")]
// The tests check the one status -> exception table directly.
[assembly: InternalsVisibleTo("Braid.Tests")]
