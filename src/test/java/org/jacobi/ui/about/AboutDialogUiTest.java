package org.jacobi.ui.about;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javafx.event.ActionEvent;
import javafx.scene.Scene;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.input.Clipboard;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.jacobi.core.AboutInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Help > About, headless (Monocle): every row is shown, Copy fills the clipboard and keeps the dialog open. */
@ExtendWith(ApplicationExtension.class)
class AboutDialogUiTest {
    private Stage owner;

    @Start
    void start(Stage stage) {
        owner = stage;
        stage.setScene(new Scene(new StackPane(), 400, 300));
        stage.show();
    }

    @Test
    void showsEveryRowAndCopiesTheText(FxRobot robot) {
        AboutInfo info = AboutInfo.current("CPU");
        AtomicReference<Dialog<ButtonType>> dialog = new AtomicReference<>();
        robot.interact(() -> {
            dialog.set(AboutDialog.create(info));
            dialog.get().initOwner(owner);
            dialog.get().show();
        });

        for (AboutInfo.Row row : info.rows()) {
            String id = "#about-" + row.label().toLowerCase(Locale.ROOT).replace(' ', '-');
            assertEquals(row.value(), robot.lookup(id).queryAs(Label.class).getText());
        }
        robot.interact(() -> dialog.get().getDialogPane().lookupButton(AboutDialog.COPY).fireEvent(
            new ActionEvent()));
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<String> copied = new AtomicReference<>();
        robot.interact(() -> copied.set(Clipboard.getSystemClipboard().getString()));
        assertEquals(info.asText(), copied.get());
        assertTrue(dialog.get().isShowing(), "Copy must not close the dialog");
        robot.interact(() -> dialog.get().close());
        assertFalse(dialog.get().isShowing());
    }

    @Test
    void applicationIconsAreBundled() {
        List<Image> icons = AboutDialog.applicationIcons();
        assertEquals(6, icons.size());
        assertEquals(256, icons.get(icons.size() - 1).getWidth());
    }
}
