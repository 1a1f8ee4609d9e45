using System.Runtime.CompilerServices;

// Structs passed to llama.cpp hold C bools (1 byte); runtime marshalling is off so their managed layout is the native one.
[assembly: DisableRuntimeMarshalling]
