namespace GpuGen.Viewer;

/// <summary>The keys the viewer answers to.</summary>
public enum ViewerKey
{
    Space,
    Right,
    Left,
    Home,
    End,
    R,
    D,
    C,
    GuidanceDown,
    GuidanceUp,
    Faster,
    Slower,
    S,
    Escape,
}

/// <summary>GLFW key codes to <see cref="ViewerKey"/>.</summary>
public static class ViewerKeys
{
    public const int GlfwSpace = 32, GlfwEscape = 256, GlfwRight = 262, GlfwLeft = 263, GlfwHome = 268, GlfwEnd = 269, GlfwEqual = 61, GlfwMinus = 45,
        GlfwKpAdd = 334, GlfwKpSubtract = 333, GlfwC = 67, GlfwD = 68, GlfwG = 71, GlfwR = 82, GlfwS = 83;

    /// <summary>The viewer key for a GLFW key press (mods: GLFW_MOD_SHIFT = 1), or null for keys it ignores.</summary>
    public static ViewerKey? FromGlfw(int key, int mods)
    {
        bool shift = (mods & 1) != 0;
        return key switch
        {
            GlfwSpace => ViewerKey.Space,
            GlfwRight => ViewerKey.Right,
            GlfwLeft => ViewerKey.Left,
            GlfwHome => ViewerKey.Home,
            GlfwEnd => ViewerKey.End,
            GlfwR => ViewerKey.R,
            GlfwD => ViewerKey.D,
            GlfwC => ViewerKey.C,
            GlfwG => shift ? ViewerKey.GuidanceUp : ViewerKey.GuidanceDown,
            GlfwEqual or GlfwKpAdd => ViewerKey.Faster, // '+' is shift+'=' on US layouts
            GlfwMinus or GlfwKpSubtract => ViewerKey.Slower,
            GlfwS => ViewerKey.S,
            GlfwEscape => ViewerKey.Escape,
            _ => null,
        };
    }
}
