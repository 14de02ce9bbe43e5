package store

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/labelbridge/labelbridge/printing"
)

// rememberedPrinter is what the store keeps of a printer.
type rememberedPrinter struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Connection string `json:"connection"`
	Language   string `json:"language"`
	DPI        int    `json:"dpi,omitempty"`
	Vendor     string `json:"vendor,omitempty"`
	Model      string `json:"model,omitempty"`
	Address    string `json:"address,omitempty"`
}

// RememberPrinter durably records a printer's details (id, name,
// connection, language, dpi, vendor, model, address), replacing earlier ones.
func (s *Store) RememberPrinter(ctx context.Context, p printing.Printer) error {
	v, err := json.Marshal(rememberedPrinter{ID: p.ID, Name: p.Name, Connection: p.Connection, Language: p.Language,
		DPI: p.DPI, Vendor: p.Vendor, Model: p.Model, Address: p.Address})
	if err != nil {
		return fmt.Errorf("encode printer %s: %w", p.ID, err)
	}
	return wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPrinters).Put([]byte(p.ID), v)
	}}))
}

// ForgetPrinter deletes a remembered printer (no error if unknown).
func (s *Store) ForgetPrinter(ctx context.Context, id string) error {
	return wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPrinters).Delete([]byte(id))
	}}))
}

// RememberedPrinters returns the remembered printers, by id, with no status.
func (s *Store) RememberedPrinters() ([]printing.Printer, error) {
	var out []printing.Printer
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPrinters).ForEach(func(k, v []byte) error {
			var r rememberedPrinter
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode printer %s: %w", k, err)
			}
			out = append(out, printing.Printer{ID: r.ID, Name: r.Name, Connection: r.Connection, Language: r.Language,
				DPI: r.DPI, Vendor: r.Vendor, Model: r.Model, Address: r.Address})
			return nil
		})
	})
	return out, err
}
