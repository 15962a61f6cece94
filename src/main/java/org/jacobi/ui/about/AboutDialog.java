package org.jacobi.ui.about;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.jacobi.core.AboutInfo;

/**
 * Help &gt; About: the app icon and the versions of Jacobi, Java, JavaFX, ONNX Runtime, DJL and libtorch,
 * with the device in use ({@link AboutInfo}); "Copy" puts the same text on the clipboard for bug reports.
 * Wiring: {@code AboutDialog.show(window, model == null ? null : model.device())}; window icons:
 * {@code stage.getIcons().setAll(AboutDialog.applicationIcons())}.
 */
public final class AboutDialog {
    static final ButtonType COPY = new ButtonType("Copy", ButtonBar.ButtonData.LEFT);
    private static final int[] ICON_SIZES = {16, 32, 48, 64, 128, 256};

    private AboutDialog() {
    }

    /** Opens the About dialog (not modal-blocking: returns at once). Call on the JavaFX thread. */
    public static Dialog<ButtonType> show(Window owner, String deviceInUse) {
        Dialog<ButtonType> dialog = create(AboutInfo.current(deviceInUse));
        if (owner != null) {
            dialog.initOwner(owner);
        }
        dialog.show();
        return dialog;
    }

    /** The dialog for the given information, not yet shown. */
    public static Dialog<ButtonType> create(AboutInfo info) {
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.setTitle("About Jacobi");
        dialog.getDialogPane().setContent(content(info));
        dialog.getDialogPane().getButtonTypes().addAll(COPY, ButtonType.CLOSE);
        // Copy must not close the dialog: consume its action after copying.
        Button copy = (Button) dialog.getDialogPane().lookupButton(COPY);
        copy.addEventFilter(ActionEvent.ACTION, event -> {
            ClipboardContent text = new ClipboardContent();
            text.putString(info.asText());
            Clipboard.getSystemClipboard().setContent(text);
            event.consume();
        });
        dialog.setOnShown(e -> {
            if (dialog.getDialogPane().getScene().getWindow() instanceof Stage stage) {
                stage.getIcons().setAll(applicationIcons());
            }
        });
        return dialog;
    }

    static VBox content(AboutInfo info) {
        ImageView icon = new ImageView();
        Image image = icon(128);
        if (image != null) {
            icon.setImage(image);
            icon.setFitWidth(96);
            icon.setFitHeight(96);
            icon.setSmooth(true);
        }
        Label title = new Label("Jacobi");
        title.setStyle("-fx-font-size: 22px; -fx-font-weight: bold;");
        Label tagline = new Label("Per-sample Jacobians and sensitivity analysis\nof ONNX and TorchScript models");
        tagline.setWrapText(true);
        VBox heading = new VBox(4, title, tagline);
        heading.setAlignment(Pos.CENTER_LEFT);
        HBox top = new HBox(16, icon, heading);
        top.setAlignment(Pos.CENTER_LEFT);

        GridPane table = new GridPane();
        table.setHgap(14);
        table.setVgap(4);
        int row = 0;
        for (AboutInfo.Row r : info.rows()) {
            Label label = new Label(r.label());
            label.setStyle("-fx-font-weight: bold;");
            Label value = new Label(r.value());
            value.setId("about-" + r.label().toLowerCase(Locale.ROOT).replace(' ', '-'));
            value.setWrapText(true);
            value.setMaxWidth(460);
            table.addRow(row++, label, value);
        }
        VBox box = new VBox(16, top, table);
        box.setPadding(new Insets(8, 4, 4, 4));
        return box;
    }

    /** The app icon in the sizes bundled in the jar (assets/icons), for Stage icons; empty if missing. */
    public static List<Image> applicationIcons() {
        List<Image> icons = new ArrayList<>();
        for (int size : ICON_SIZES) {
            Image image = icon(size);
            if (image != null) {
                icons.add(image);
            }
        }
        return icons;
    }

    private static Image icon(int size) {
        try (InputStream in = AboutDialog.class.getResourceAsStream("/assets/icons/jacobi-" + size + ".png")) {
            return in == null ? null : new Image(in);
        } catch (IOException e) {
            return null;
        }
    }
}
