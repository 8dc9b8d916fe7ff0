namespace Annotator.Captioning.Offline;

public enum ColourName { Black, White, Grey, Red, Orange, Brown, Beige, Yellow, Green, Teal, Blue, Purple, Pink }

/// <summary>Names a pixel's colour the way a person would, from its hue, saturation and value.</summary>
public static class ColourNames
{
    public static string Word(this ColourName colour) => colour switch
    {
        ColourName.Grey => "grey",
        _ => colour.ToString().ToLowerInvariant(),
    };

    public static ColourName Classify(byte red, byte green, byte blue)
    {
        double r = red / 255.0, g = green / 255.0, b = blue / 255.0;
        var max = Math.Max(r, Math.Max(g, b));
        var min = Math.Min(r, Math.Min(g, b));
        var value = max;
        var saturation = max == 0 ? 0 : (max - min) / max;
        if (value < 0.16) return ColourName.Black;
        if (saturation < 0.14 || max - min < 0.06) return value > 0.86 ? ColourName.White : value < 0.3 ? ColourName.Black : ColourName.Grey;

        var hue = Hue(r, g, b, max, min);
        var warm = hue < 50 || hue >= 345;
        if (warm && value < 0.55) return ColourName.Brown;
        if (hue is >= 15 and < 50 && saturation < 0.4 && value > 0.65) return ColourName.Beige;
        return hue switch
        {
            < 15 or >= 345 => ColourName.Red,
            < 40 => ColourName.Orange,
            < 66 => ColourName.Yellow,
            < 160 => ColourName.Green,
            < 195 => ColourName.Teal,
            < 255 => ColourName.Blue,
            < 290 => ColourName.Purple,
            _ => ColourName.Pink,
        };
    }

    private static double Hue(double r, double g, double b, double max, double min)
    {
        var delta = max - min;
        double hue = max == r ? (g - b) / delta % 6 : max == g ? (b - r) / delta + 2 : (r - g) / delta + 4;
        hue *= 60;
        return hue < 0 ? hue + 360 : hue;
    }
}
